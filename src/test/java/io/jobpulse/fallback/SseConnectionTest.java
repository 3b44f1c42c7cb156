package io.jobpulse.fallback;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.hub.Subscription;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.protocol.ErrorCode;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.watch.WatchService;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.glassfish.jersey.media.sse.OutboundEvent;
import org.junit.jupiter.api.Test;

/**
 * {@link SseConnection} against a fake sink that holds each send open until the test completes it: one event at a
 * time in order, ids per stream kind, the end of the stream after every watched job's terminal event, and the drop of
 * a client that lets messages pile up.
 */
class SseConnectionTest {

    private final FakeSink sink = new FakeSink();
    private final List<Subscription> unwatched = new ArrayList<>();
    private final WatchService watching = new WatchService() {
        @Override
        public void unwatch(Subscription subscription) {
            unwatched.add(subscription);
        }
    };
    private final Sse sse = new Sse() {
        @Override
        public OutboundSseEvent.Builder newEventBuilder() {
            return new OutboundEvent.Builder();
        }

        @Override
        public SseBroadcaster newBroadcaster() {
            throw new UnsupportedOperationException();
        }
    };

    private SseConnection stream(boolean singleJob, int capacity) {
        return new SseConnection(sink, sse, watching, singleJob, capacity);
    }

    private static JobEvent event(JobId job, long seq, JobState state) {
        return new JobEvent(
                job,
                seq,
                state == JobState.RUNNING ? EventKind.PROGRESS : EventKind.STATE,
                state,
                new Progress(seq, 10, ""),
                Instant.EPOCH,
                null,
                null);
    }

    /** A subscription of {@code stream} to {@code job}, started after {@code seq}; its end is recorded as the hub's. */
    private Subscription watch(SseConnection stream, JobId job, long seq) {
        Subscription subscription = new Subscription(job, stream, (j, after, upTo) -> List.of(), unwatched::add);
        subscription.startAfter(seq);
        stream.holds(subscription);
        return subscription;
    }

    private static void offer(Subscription subscription, JobEvent event) {
        subscription.offer(event, JobJson.eventText(event));
    }

    @Test
    void sendsOneEventAtATimeInOrderWithTheSeqAsIdOnASingleJobStream() {
        JobId job = JobId.random();
        SseConnection stream = stream(true, 100);
        Subscription subscription = watch(stream, job, 2);
        stream.allStarted();
        offer(subscription, event(job, 3, JobState.RUNNING));
        offer(subscription, event(job, 4, JobState.RUNNING));
        assertThat(sink.sent).hasSize(1);
        sink.completeOne();
        assertThat(sink.sent).extracting(OutboundSseEvent::getId).containsExactly("3", "4");
        assertThat(sink.closed).isFalse();
    }

    @Test
    void aMultiJobStreamIdsEventsWithJobAndSeqAndEndsOnlyAfterTheLastJobsTerminalEvent() {
        JobId a = JobId.random();
        JobId b = JobId.random();
        SseConnection stream = stream(false, 100);
        Subscription first = watch(stream, a, 1);
        Subscription second = watch(stream, b, 1);
        stream.sendMessage(new ServerMessage.Error("x", ErrorCode.NOT_FOUND, "no such job"));
        stream.allStarted();
        offer(first, event(a, 2, JobState.SUCCEEDED));
        sink.completeAll();
        assertThat(sink.closed).as("b can still change").isFalse();
        offer(second, event(b, 2, JobState.FAILED));
        assertThat(sink.closed).as("not before the terminal event is sent").isFalse();
        sink.completeAll();
        assertThat(sink.sent).extracting(OutboundSseEvent::getId).containsExactly(null, a + ":2", b + ":2");
        assertThat(sink.closed).isTrue();
        assertThat(unwatched).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aStreamWhoseEveryWatchWasRefusedEndsAfterItsErrors() {
        SseConnection stream = stream(false, 100);
        stream.sendMessage(new ServerMessage.Error("x", ErrorCode.NOT_FOUND, "no such job"));
        stream.allStarted();
        assertThat(sink.closed).isFalse();
        sink.completeAll();
        assertThat(sink.closed).isTrue();
        assertThat((String) sink.sent.get(0).getData()).contains("\"code\":\"not_found\"");
    }

    @Test
    void aClientThatLetsMoreThanCapacityMessagesPileUpIsDroppedAndUnwatched() {
        JobId job = JobId.random();
        SseConnection stream = stream(true, 2);
        Subscription subscription = watch(stream, job, 1);
        stream.allStarted();
        offer(subscription, event(job, 2, JobState.RUNNING)); // under way
        offer(subscription, event(job, 3, JobState.RUNNING));
        offer(subscription, event(job, 4, JobState.RUNNING));
        assertThat(sink.closed).isFalse();
        offer(subscription, event(job, 5, JobState.RUNNING));
        assertThat(sink.closed).isTrue();
        assertThat(stream.isClosed()).isTrue();
        assertThat(unwatched).containsExactly(subscription);
        sink.completeAll();
        assertThat(sink.sent).hasSize(1);
    }

    @Test
    void aFailedSendClosesTheStream() {
        JobId job = JobId.random();
        SseConnection stream = stream(true, 100);
        Subscription subscription = watch(stream, job, 1);
        stream.allStarted();
        offer(subscription, event(job, 2, JobState.RUNNING));
        sink.failOne();
        assertThat(stream.isClosed()).isTrue();
        assertThat(sink.closed).isTrue();
    }

    /** Holds every send open until the test completes it. */
    private static final class FakeSink implements SseEventSink {
        final List<OutboundSseEvent> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean closed;

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public synchronized CompletionStage<?> send(OutboundSseEvent event) {
            sent.add(event);
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            return done;
        }

        @Override
        public void close() {
            closed = true;
        }

        void completeOne() {
            CompletableFuture<Void> done;
            synchronized (this) {
                done = pending.remove(0);
            }
            done.complete(null);
        }

        void failOne() {
            CompletableFuture<Void> done;
            synchronized (this) {
                done = pending.remove(0);
            }
            done.completeExceptionally(new java.io.IOException("gone"));
        }

        void completeAll() {
            while (true) {
                synchronized (this) {
                    if (pending.isEmpty()) {
                        return;
                    }
                }
                completeOne();
            }
        }
    }
}
