package io.jobpulse.protocol;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import java.util.Optional;

/**
 * One Server-Sent Events message of the fallback streams: its {@code data} is the text of one server message, and
 * snapshots and events carry an {@code id} naming the job's {@code seq}, which a reconnecting {@code EventSource}
 * sends back as {@code Last-Event-ID}.
 */
public record SseMessage(Optional<String> id, String data) {

    /** How ids name a {@code seq}: alone on a single-job stream, after the job's id on a multi-job one. */
    public enum Ids {
        /** {@code id: <seq>} */
        SEQ,
        /** {@code id: <jobId>:<seq>} */
        JOB_AND_SEQ;

        String of(String job, long seq) {
            return this == SEQ ? Long.toString(seq) : job + ":" + seq;
        }
    }

    /** A message without an id: {@code subscribed}, {@code error}. */
    public static SseMessage of(ServerMessage message) {
        return new SseMessage(Optional.empty(), ServerMessageEncoder.text(message));
    }

    /** The job as it is now, with the id of its {@code seq}. */
    public static SseMessage snapshot(Job job, Ids ids) {
        return new SseMessage(
                Optional.of(ids.of(job.id().value(), job.seq())),
                ServerMessageEncoder.text(ServerMessage.Snapshot.of(job)));
    }

    /** An event as encoded once for every watcher, with the id of its {@code seq}. */
    public static SseMessage event(JobEvent event, String text, Ids ids) {
        return new SseMessage(
                Optional.of(ids.of(event.jobId().value(), event.seq())),
                ServerMessageEncoder.text(new ServerMessage.Event(text)));
    }
}
