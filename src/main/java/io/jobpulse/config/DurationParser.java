package io.jobpulse.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations written as {@code 500ms}, {@code 60s}, {@code 15m}, {@code 24h} or ISO-8601 ({@code PT24H}). */
public final class DurationParser {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private DurationParser() {}

    public static Duration parse(String text) {
        String value = text.trim();
        Matcher m = SIMPLE.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "not a duration: '" + value + "' (use e.g. 500ms, 60s, 15m, 24h or PT24H)", e);
        }
    }
}
