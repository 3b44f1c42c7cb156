package io.jobpulse.protocol;

/**
 * The {@code seq} range a coalesced progress event stands for ({@code "skipped":{"from":A,"to":B}}): the events
 * {@code from}..{@code to} were progress only and were not sent, so a client can tell a skip from a loss.
 */
public record SkippedRange(long from, long to) {

    public SkippedRange {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("a skipped range is 1 <= from <= to, not " + from + ".." + to);
        }
    }
}
