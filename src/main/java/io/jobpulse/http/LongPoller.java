package io.jobpulse.http;

import io.jobpulse.config.DurationParser;
import io.jobpulse.hub.ChangeWait;
import io.jobpulse.job.JobId;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.watch.WatchService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Holds a long-poll request, without a thread, until one of its jobs has a new event or the wait ends. The answer
 * is always computed from the store, so it holds everything committed, in order.
 */
@ApplicationScoped
public class LongPoller {

    /** The longest {@code wait} a client may ask for. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final AtomicInteger waiting = new AtomicInteger();

    @Inject
    WatchService watching;

    @Inject
    ContainerExecutors executors;

    /**
     * Answers at once with {@code now} when it has something (or there is nothing to wait for); otherwise with what
     * {@code attempt} finds when the first event after {@code after} arrives, or with {@code empty} when
     * {@code wait} ends.
     */
    public void answer(
            AsyncResponse async,
            Duration wait,
            Map<JobId, Long> after,
            Optional<String> now,
            Supplier<Optional<String>> attempt,
            Supplier<String> empty) {
        if (now.isPresent() || wait.isZero() || after.isEmpty()) {
            async.resume(json(now.orElseGet(empty)));
            return;
        }
        waiting.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                waiting.decrementAndGet();
            }
        };
        ChangeWait change = watching.awaitChange(
                after,
                () -> executors.tasks().execute(() -> {
                    end.run();
                    async.resume(json(attempt.get().orElseGet(empty)));
                }));
        async.register((CompletionCallback) failure -> {
            end.run();
            change.cancel();
        });
        async.setTimeoutHandler(timedOut -> {
            end.run();
            change.cancel();
            timedOut.resume(json(empty.get()));
        });
        async.setTimeout(wait.toMillis(), TimeUnit.MILLISECONDS);
        // an event committed between the first attempt and the registration would otherwise wait for the next one
        Optional<String> raced = attempt.get();
        if (raced.isPresent()) {
            end.run();
            change.cancel();
            async.resume(json(raced.get()));
        }
    }

    /** Long-poll requests waiting for an event now. */
    public int waiting() {
        return waiting.get();
    }

    /** Parses {@code wait} ({@code 25s}, {@code 25000ms}, plain seconds); 400 when malformed or over {@link #MAX_WAIT}. */
    public static Duration waitParam(String text) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        Duration wait;
        try {
            wait = text.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(text))
                    : DurationParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("wait must be a duration such as 25s.");
        }
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw ApiProblem.badRequest("wait must be between 0 and " + MAX_WAIT.toSeconds() + "s.");
        }
        return wait;
    }

    private static Response json(String body) {
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }
}
