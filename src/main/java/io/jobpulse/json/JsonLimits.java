package io.jobpulse.json;

/**
 * Bounds JSON text must keep before it is parsed: nesting depth, number literal length, exponent magnitude (Parsson
 * CVE-2023-4043: {@code 1e1000000} costs the parser, never this check), string and key length, and no duplicate keys
 * (so what authorises a request and what uses it can never read different values). {@link #check} is one linear,
 * non-recursive pass.
 *
 * @param maxDepth        deepest nesting of objects and arrays; {@code {}} is depth 1
 * @param maxNumberLength most characters in one number literal, sign and exponent included
 * @param maxStringLength most characters in one string or key, each escape counted as the one character it stands for
 */
public record JsonLimits(int maxDepth, int maxNumberLength, int maxStringLength) {

    /** Exponents from this magnitude on are refused, whatever the length of the literal. */
    public static final int MAX_EXPONENT_EXCLUSIVE = 1000;

    public JsonLimits {
        if (maxDepth < 1 || maxNumberLength < 1 || maxStringLength < 1) {
            throw new IllegalArgumentException("JSON limits must be positive");
        }
    }

    /**
     * Throws {@link JsonLimitException} for the first rule the text breaks. Text that is not JSON at all passes
     * unless it breaks a rule on the way: telling valid from invalid JSON is the parser's job.
     */
    public void check(CharSequence text) {
        new JsonPrescan(text, this).run();
    }
}
