package io.jobpulse.execution;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.store.Change;
import io.jobpulse.store.IdempotencyKey;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.JobPage;
import io.jobpulse.store.SubmitOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The use cases behind the REST API: submit, look up, list, cancel, read the event log. Each change is committed
 * by the store first and pushed to watchers afterwards.
 */
@ApplicationScoped
public class JobService {

    public static final int MAX_EVENTS_PER_READ = 1000;

    @Inject
    JdbcJobStore store;

    @Inject
    EventPublisher publisher;

    @Inject
    Clock clock;

    @Inject
    JobScheduler scheduler;

    @Inject
    JobTypeRegistry types;

    @Inject
    PeerSignals peers;

    @Inject
    ExternalJobs externals;

    /**
     * Validates and stores a new job, QUEUED, and publishes its first event. A handler's job is then claimed by a node;
     * an external job waits for its worker's first report ({@link ExternalJobs}).
     */
    public SubmitOutcome submit(
            String owner, String type, String name, Map<String, Object> params, Optional<String> idempotencyKey)
            throws UnknownJobTypeException, InvalidParametersException {
        Optional<IdempotencyKey> key = idempotencyKey.map(k -> new IdempotencyKey(k, requestHash(type, name, params)));
        Optional<ExternalJobType> external = types.external(type);
        if (external.isPresent()) {
            return externals.submit(external.get(), owner, name, external.get().validate(params), key);
        }
        JobHandler handler = types.handler(type).orElseThrow(() -> new UnknownJobTypeException(type));
        JobParameters validated = handler.type().validate(params);
        handler.validate(validated);
        Job job = Job.submit(JobId.random(), type, name, owner, validated.values(), clock.instant());
        SubmitOutcome outcome = store.submit(job, key);
        if (outcome instanceof SubmitOutcome.Created) {
            publisher.publish(List.of(job.event(EventKind.STATE, job.createdAt())));
            scheduler.wake();
        }
        return outcome;
    }

    /** The job if it exists and belongs to {@code owner}; another owner's job is as absent as an unknown one. */
    public Optional<Job> find(String owner, JobId id) {
        return store.find(id).filter(job -> job.owner().equals(owner));
    }

    public Optional<Job> find(JobId id) {
        return store.find(id);
    }

    public JobPage list(String owner, Optional<JobState> state, int limit, Optional<Long> cursor) {
        return store.list(owner, state, limit, cursor);
    }

    public List<JobEvent> eventsAfter(JobId id, long since, int limit) {
        return store.eventsAfter(id, since, Long.MAX_VALUE, Math.min(limit, MAX_EVENTS_PER_READ));
    }

    /**
     * Cancels a queued job at once, asks a running one to stop, and is idempotent for a cancelled one. A running
     * external job is cancelled at once too: nothing here runs it, and its worker learns it from the answer to its
     * next report.
     */
    public Optional<CancelOutcome> cancel(String owner, JobId id) {
        Optional<Job> current = find(owner, id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Optional<Change> change = store.update(id, clock.instant(), job -> switch (job.state()) {
            case QUEUED -> Optional.of(job.cancel(clock.instant()));
            case RUNNING ->
                job.external()
                        ? Optional.of(job.cancel(clock.instant()))
                        : job.cancelRequested() ? Optional.empty() : Optional.of(job.requestCancel());
            case SUCCEEDED, FAILED, CANCELLED -> Optional.empty();
        });
        change.flatMap(Change::event).ifPresent(event -> publisher.publish(List.of(event)));
        Job now = change.map(Change::job).or(() -> store.find(id)).orElseThrow();
        if (now.external() && now.state().isTerminal()) {
            externals.ended(id);
        }
        if (now.state() == JobState.RUNNING && !scheduler.signalCancel(id)) {
            peers.cancelElsewhere(id);
        }
        return Optional.of(
                now.state() == JobState.SUCCEEDED || now.state() == JobState.FAILED
                        ? new CancelOutcome.AlreadyFinished(now)
                        : new CancelOutcome.Accepted(now));
    }

    public List<JobHandler> jobTypes() {
        return List.copyOf(types.all());
    }

    public List<ExternalJobType> externalJobTypes() {
        return List.copyOf(types.externals());
    }

    /** SHA-256 over the request with object keys sorted, so the same request always hashes the same. */
    static String requestHash(String type, String name, Map<String, Object> params) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("type", type);
        canonical.put("name", name);
        canonical.put("params", sorted(params));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JsonMaps.write(JsonMaps.toJson(canonical)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JobService::sorted).toList();
        }
        return value;
    }
}
