package io.jobpulse.job;

/** Bounding user-visible text. */
final class Texts {

    private Texts() {}

    /** At most {@code max} chars, never ending in the first half of a surrogate pair. */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
