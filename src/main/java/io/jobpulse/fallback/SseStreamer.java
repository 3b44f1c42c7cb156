package io.jobpulse.fallback;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.hub.Subscription;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.watch.WatchService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Optional;

/** Starts SSE streams: one subscription per watched job, through the same {@link WatchService} as the WebSocket. */
@ApplicationScoped
public class SseStreamer {

    @Inject
    WatchService watching;

    @Inject
    SseStreams streams;

    @Inject
    JobPulseConfig config;

    /** Streams every watch; a watch that is refused gets an error message and the stream goes on for the others. */
    void stream(List<WatchRequest> watches, boolean singleJob, SseEventSink sink, Sse sse) {
        SseConnection connection =
                new SseConnection(sink, sse, watching, singleJob, config.sse().outboxMessages());
        streams.add(connection);
        for (WatchRequest watch : watches) {
            Optional<Subscription> subscription =
                    watching.watch(watch.job(), watch.token(), watch.since(), connection, connection::sendOpening);
            if (subscription.isPresent()) {
                connection.holds(subscription.get());
            } else {
                connection.sendMessage(ServerMessage.Error.notFound(watch.job()));
            }
        }
        connection.allStarted();
    }
}
