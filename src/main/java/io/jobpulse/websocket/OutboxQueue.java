package io.jobpulse.websocket;

import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.protocol.ServerMessageEncoder;
import io.jobpulse.protocol.SkippedRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What waits to be sent to one session, in order, bounded by the caller. A live progress event of a job that finds
 * the previous event of the same job still waiting, and that one only progress too, replaces it in place: the
 * client gets the newer value sooner and the queue does not grow. The event that goes out then names the range of
 * {@code seq} it stands for ({@code "skipped":{"from":A,"to":B}}), so a client can tell a skip from a loss. State
 * changes, terminal events, replays and every other message are never replaced nor reordered. Not thread-safe.
 */
final class OutboxQueue {

    /** A message's cost in the byte bound when it is not pre-encoded (small control messages and snapshots). */
    static final int UNENCODED_BYTES = 256;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** The last waiting entry of each job that has one. */
    private final Map<String, Entry> lastOfJob = new HashMap<>();

    private long bytes;
    private long coalesced;

    private static final class Entry {
        ServerMessage message;
        final String job;
        final boolean replaceable;
        long seq;
        long skippedFrom = -1;
        int bytes;

        Entry(ServerMessage message, String job, long seq, boolean replaceable, int bytes) {
            this.message = message;
            this.job = job;
            this.seq = seq;
            this.replaceable = replaceable;
            this.bytes = bytes;
        }
    }

    /** What a message counts for in the byte bound and the send window: its length when encoded, else an estimate. */
    static int chars(ServerMessage message) {
        if (message instanceof ServerMessage.Event e) {
            return e.skipped().isEmpty()
                    ? e.text().length()
                    : ServerMessageEncoder.text(e).length();
        }
        if (message instanceof ServerMessage.Batch b) {
            return b.messages().stream().mapToInt(OutboxQueue::chars).sum()
                    + b.messages().size()
                    + BATCH_FRAME_CHARS;
        }
        return UNENCODED_BYTES;
    }

    /** The characters a batch adds around its messages: {@code {"type":"batch","messages":[]}}. */
    private static final int BATCH_FRAME_CHARS = 32;

    /** A message that is not a live event of a job ({@code job} may be null). */
    void add(ServerMessage message, String job) {
        append(new Entry(message, job, -1, false, chars(message)));
    }

    /** A live event, already encoded; {@code progressOnly}: it may replace, and be replaced by, its job's next one. */
    void addLive(String job, long seq, boolean progressOnly, String text) {
        Entry last = lastOfJob.get(job);
        if (progressOnly && last != null && last.replaceable && last.seq == seq - 1) {
            replace(last, seq, text);
            return;
        }
        append(new Entry(new ServerMessage.Event(text), job, seq, progressOnly, text.length()));
    }

    private void replace(Entry last, long seq, String text) {
        if (last.skippedFrom < 0) {
            last.skippedFrom = last.seq;
        }
        bytes += text.length() - last.bytes;
        last.bytes = text.length();
        last.seq = seq;
        last.message = new ServerMessage.Event(text);
        coalesced++;
    }

    private void append(Entry entry) {
        entries.add(entry);
        bytes += entry.bytes;
        if (entry.job != null) {
            lastOfJob.put(entry.job, entry);
        }
    }

    /** The next message to send, or null; a replaced event carries its {@code skipped} range. */
    ServerMessage poll() {
        Entry head = entries.poll();
        if (head == null) {
            return null;
        }
        bytes -= head.bytes;
        if (head.job != null) {
            lastOfJob.remove(head.job, head);
        }
        if (head.skippedFrom < 0) {
            return head.message;
        }
        return ((ServerMessage.Event) head.message).skipping(new SkippedRange(head.skippedFrom, head.seq - 1));
    }

    /**
     * The messages to send next in one frame: the first waiting one (whatever its size), then the ones after it in
     * order while their total stays within {@code maxChars}. Empty when nothing waits.
     */
    List<ServerMessage> pollUpTo(int maxChars) {
        if (entries.isEmpty()) {
            return List.of();
        }
        long total = entries.peek().bytes;
        ServerMessage first = poll();
        if (entries.isEmpty() || total + entries.peek().bytes > maxChars) {
            return List.of(first); // the usual case, and always with maxChars 0: no list to grow
        }
        List<ServerMessage> polled = new ArrayList<>();
        polled.add(first);
        while (!entries.isEmpty() && total + entries.peek().bytes <= maxChars) {
            total += entries.peek().bytes;
            polled.add(poll());
        }
        return polled;
    }

    int size() {
        return entries.size();
    }

    /** Characters waiting (encoded events by their length, other messages at {@link #UNENCODED_BYTES}). */
    long bytes() {
        return bytes;
    }

    /** Events replaced so far. */
    long coalesced() {
        return coalesced;
    }

    void clear() {
        entries.clear();
        lastOfJob.clear();
        bytes = 0;
    }
}
