package io.jobpulse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses and validates {@code jobpulse.*} values for the settings records: each method takes the key and its default,
 * so a record's factory reads as the list of its keys. Every invalid value fails with one
 * {@link InvalidSettingException} that names the key and the expected form, never the value (it may be a secret).
 */
final class SettingReader {

    /** Reads nothing, so every record built from it holds its defaults. */
    static final SettingReader DEFAULTS = new SettingReader(new SettingsSource(key -> null, key -> null, key -> null));

    private static final String DURATION = "a positive duration such as 500ms, 60s, 15m, 24h or PT24H";
    private static final String COUNT = "a positive whole number";

    private final SettingsSource source;

    SettingReader(SettingsSource source) {
        this.source = source;
    }

    String text(String key, String fallback) {
        return source.get(key).orElse(fallback);
    }

    Optional<String> optionalText(String key) {
        return source.get(key);
    }

    boolean flag(String key, boolean fallback) {
        return get(key, SettingReader::parseBoolean, "true or false").orElse(fallback);
    }

    int count(String key, int fallback) {
        return positiveCount(key).orElse(fallback);
    }

    Optional<Integer> positiveCount(String key) {
        return get(key, text -> parseBetween(text, 1, Integer.MAX_VALUE), COUNT);
    }

    /** A whole number from {@code min} to {@code max}, with what it means in the error ("bytes", "attempts"). */
    int between(String key, int fallback, int min, int max, String unit) {
        return between(key, min, max, unit).orElse(fallback);
    }

    Optional<Integer> between(String key, int min, int max, String unit) {
        String expected = max == Integer.MAX_VALUE
                ? "a whole number of " + unit + ", at least " + min
                : "a whole number of " + unit + " from " + min + " to " + max;
        return get(key, text -> parseBetween(text, min, max), expected);
    }

    double rate(String key, double fallback) {
        return get(key, SettingReader::parsePositiveRate, "a positive number of updates per second")
                .orElse(fallback);
    }

    Duration duration(String key, Duration fallback) {
        return positiveDuration(key).orElse(fallback);
    }

    Optional<Duration> positiveDuration(String key) {
        return get(key, SettingReader::parsePositiveDuration, DURATION);
    }

    /** A positive duration, or empty for {@code off} or {@code 0} (the feature is off); {@code fallback} when unset. */
    Optional<Duration> durationOrOff(String key, Duration fallback) {
        return get(key, SettingReader::parseDurationOrOff, DURATION + ", or off")
                .orElse(Optional.of(fallback));
    }

    Path path(String key, Path fallback) {
        return get(key, Path::of, "a directory").orElse(fallback);
    }

    /** One of {@code type}'s constants, written in lower case with dashes ({@code poll}, {@code single-node}). */
    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        StringBuilder names = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            names.append(names.isEmpty() ? "" : ", ")
                    .append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return get(key, text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_')), "one of " + names)
                .orElse(fallback);
    }

    List<String> list(String key) {
        return source.get(key).map(SettingReader::parseList).orElse(List.of());
    }

    /** The parsed value, or empty when unset; the error names the key and the expected form, not the value. */
    private <T> Optional<T> get(String key, Function<String, T> parse, String expected) {
        Optional<String> raw = source.get(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw.get()));
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, new IllegalArgumentException("expected " + expected, e));
        }
    }

    private static int parseBetween(String text, int min, int max) {
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw new IllegalArgumentException("out of range");
        }
        return n;
    }

    private static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static Duration parsePositiveDuration(String text) {
        Duration d = DurationParser.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("not positive");
        }
        return d;
    }

    private static Optional<Duration> parseDurationOrOff(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("off") || value.equals("0")) {
            return Optional.empty();
        }
        return Optional.of(parsePositiveDuration(value));
    }

    private static double parsePositiveRate(String text) {
        double d = Double.parseDouble(text);
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("not a positive finite number");
        }
        return d;
    }

    private static List<String> parseList(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
