package io.jobpulse.fallback;

import io.jobpulse.runtime.ContainerExecutors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SSE streams open on this node: sends each a heartbeat comment every {@value #HEARTBEAT_SECONDS} s (so proxies
 * keep the connection and a vanished client is noticed) and closes them all when the application stops.
 */
@ApplicationScoped
public class SseStreams {

    static final int HEARTBEAT_SECONDS = 15;

    @Inject
    ContainerExecutors executors;

    private final Set<SseConnection> streams = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> heartbeat;

    void start(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        heartbeat = executors
                .scheduler()
                .scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    void add(SseConnection stream) {
        streams.add(stream);
    }

    public int size() {
        return streams.size();
    }

    /** The streams still open (those closed since the last heartbeat left out). */
    public long open() {
        return streams.stream().filter(stream -> !stream.isClosed()).count();
    }

    private void beat() {
        streams.removeIf(SseConnection::isClosed);
        streams.forEach(SseConnection::heartbeat);
    }

    void closeAll(@Observes @BeforeDestroyed(ApplicationScoped.class) Object contextStopping) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        streams.forEach(SseConnection::close);
        streams.clear();
    }
}
