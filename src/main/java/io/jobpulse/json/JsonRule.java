package io.jobpulse.json;

import java.util.Locale;

/** The rules {@link JsonLimits} enforces before a parser sees the text; {@link #key()} names one to a client. */
public enum JsonRule {
    /** Objects and arrays nested deeper than {@code jobpulse.json.max-depth}. */
    MAX_DEPTH,
    /** A number literal longer than {@code jobpulse.json.max-number-length} characters. */
    MAX_NUMBER_LENGTH,
    /** A number whose exponent has a magnitude of {@value JsonLimits#MAX_EXPONENT_EXCLUSIVE} or more. */
    MAX_EXPONENT,
    /** A string or key longer than {@code jobpulse.json.max-string-length} characters, escapes decoded. */
    MAX_STRING_LENGTH,
    /** The same key twice in one object. */
    DUPLICATE_KEY;

    /** {@code max-depth}, {@code duplicate-key}, ...: the stable name clients see. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
