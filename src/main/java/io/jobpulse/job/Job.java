package io.jobpulse.job;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A job as stored: immutable; every verb returns the next version with {@code seq} one higher.
 * {@code params} and {@code result} hold JSON-like values (String, Number, Boolean, List, Map).
 * {@code startedAt}, {@code finishedAt}, {@code result} and {@code error} are null until they happen.
 * {@code attempt} counts the runs started so far: 0 while first queued, 1 in the first run, one more for each re-run
 * after an interruption. {@code node} names the node running the job, or that ran it last; null until first claimed,
 * and always null for an {@code external} job: a worker outside JobPulse runs it and reports over REST.
 * {@code lastReportAt} is when an external job's worker last reported (any report, a bare heartbeat too), by the
 * database's clock; null for other jobs and until the first report. The store keeps it; no version here changes it.
 */
public record Job(
        JobId id,
        String type,
        String name,
        String owner,
        JobState state,
        long seq,
        Progress progress,
        Map<String, Object> params,
        Map<String, Object> result,
        JobError error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        boolean cancelRequested,
        int attempt,
        String node,
        boolean external,
        Instant lastReportAt) {

    /** The most characters of JSON a job's result may take, whoever sets it (a handler or an external worker). */
    public static final int MAX_RESULT_CHARS = 256 * 1024;

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(createdAt, "createdAt");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative: " + attempt);
        }
        name = name == null ? "" : name;
        params = frozen(params);
        result = result == null ? null : frozen(result);
    }

    /** A new job, QUEUED, with its first event, for a handler of its type to run on a node of JobPulse. */
    public static Job submit(
            JobId id, String type, String name, String owner, Map<String, Object> params, Instant now) {
        return queued(id, type, name, owner, params, now, false);
    }

    /**
     * A new external job, QUEUED, with its first event: no node of JobPulse runs it; a worker elsewhere reports its
     * progress and its end ({@link #reported}).
     */
    public static Job submitExternal(
            JobId id, String type, String name, String owner, Map<String, Object> params, Instant now) {
        return queued(id, type, name, owner, params, now, true);
    }

    private static Job queued(
            JobId id,
            String type,
            String name,
            String owner,
            Map<String, Object> params,
            Instant now,
            boolean external) {
        return new Job(
                id,
                type,
                name,
                owner,
                JobState.QUEUED,
                1,
                Progress.none(),
                params,
                null,
                null,
                now,
                null,
                null,
                false,
                0,
                null,
                external,
                null);
    }

    /** Starts a run on node {@code runningOn}: RUNNING, and the next attempt. */
    public Job start(Instant now, String runningOn) {
        Objects.requireNonNull(runningOn, "node");
        Job running = moveTo(JobState.RUNNING, progress, null, null, now, null);
        return new Job(
                id,
                type,
                name,
                owner,
                running.state,
                running.seq,
                running.progress,
                params,
                null,
                null,
                createdAt,
                running.startedAt,
                null,
                cancelRequested,
                attempt + 1,
                runningOn,
                external,
                lastReportAt);
    }

    /**
     * An external job's worker reported for the first time: RUNNING, and the next attempt, on no node of JobPulse's
     * (nothing here runs it).
     */
    public Job startElsewhere(Instant now) {
        if (!external) {
            throw new IllegalStateException("job " + id + " is not external: a node claims and starts it");
        }
        return moveTo(JobState.RUNNING, progress, null, null, now, null).nextAttempt();
    }

    /**
     * The versions a report of an external job's worker leads to, in order, each one event: the first report moves a
     * QUEUED job to RUNNING, then {@code content} applies (new progress, the result, the failure; nothing for a
     * heartbeat or unchanged progress). Empty when nothing changes. Throws for a job that has ended.
     */
    public List<Job> reported(Report.Content content, Instant now) {
        if (!external) {
            throw new IllegalStateException("job " + id + " is not external: its handler reports its progress");
        }
        if (state.isTerminal()) {
            throw new IllegalJobStateChangeException(state, JobState.RUNNING);
        }
        List<Job> versions = new ArrayList<>(2);
        Job running = this;
        if (state == JobState.QUEUED) {
            running = startElsewhere(now);
            versions.add(running);
        }
        content.applyTo(running, now).ifPresent(versions::add);
        return List.copyOf(versions);
    }

    /** New progress while running; empty when nothing changed, so nothing is stored or pushed. */
    public Optional<Job> report(Progress next) {
        if (state != JobState.RUNNING) {
            throw new IllegalJobStateChangeException(state, JobState.RUNNING);
        }
        if (progress.sameAs(next)) {
            return Optional.empty();
        }
        return Optional.of(new Job(
                id,
                type,
                name,
                owner,
                state,
                seq + 1,
                next,
                params,
                result,
                error,
                createdAt,
                startedAt,
                finishedAt,
                cancelRequested,
                attempt,
                node,
                external,
                lastReportAt));
    }

    public Job succeed(Map<String, Object> jobResult, Instant now) {
        return moveTo(JobState.SUCCEEDED, progress, jobResult == null ? Map.of() : jobResult, null, null, now);
    }

    public Job fail(JobError jobError, Instant now) {
        return moveTo(JobState.FAILED, progress, null, Objects.requireNonNull(jobError, "error"), null, now);
    }

    public Job cancel(Instant now) {
        return moveTo(JobState.CANCELLED, progress, null, null, null, now);
    }

    /**
     * The run was cut short because its node stopped or died. A job that may be started {@code maxAttempts} times
     * and has attempts left goes back to QUEUED (progress back to zero, the message saying so) to run again from
     * the start; one whose cancel was asked for ends CANCELLED; any other ends FAILED {@code interrupted}.
     */
    public Job interrupt(String why, int maxAttempts, Instant now) {
        if (state != JobState.RUNNING) {
            throw new IllegalJobStateChangeException(state, JobState.FAILED);
        }
        if (cancelRequested) {
            return cancel(now);
        }
        if (attempt >= maxAttempts) {
            return fail(new JobError(JobError.INTERRUPTED, why), now);
        }
        Progress requeued = new Progress(
                0,
                progress.total(),
                "re-queued after interruption (" + why + "), attempt " + (attempt + 1) + " of " + maxAttempts);
        return moveTo(JobState.QUEUED, requeued, null, null, null, null);
    }

    /** This version with the attempt one higher (a run began). */
    private Job nextAttempt() {
        return new Job(
                id,
                type,
                name,
                owner,
                state,
                seq,
                progress,
                params,
                result,
                error,
                createdAt,
                startedAt,
                finishedAt,
                cancelRequested,
                attempt + 1,
                node,
                external,
                lastReportAt);
    }

    /** This version with its worker last heard from at {@code at} (an external job's report arrived). */
    public Job heardFrom(Instant at) {
        if (!external) {
            throw new IllegalStateException("job " + id + " is not external: no worker reports it");
        }
        return with(cancelRequested, Objects.requireNonNull(at, "at"));
    }

    /** Marks a running job as asked to stop; not an event of its own (the state change that follows is). */
    public Job requestCancel() {
        return with(true, lastReportAt);
    }

    /** This version with these two fields, which change no event. */
    private Job with(boolean cancel, Instant heard) {
        return new Job(
                id,
                type,
                name,
                owner,
                state,
                seq,
                progress,
                params,
                result,
                error,
                createdAt,
                startedAt,
                finishedAt,
                cancel,
                attempt,
                node,
                external,
                heard);
    }

    private Job moveTo(
            JobState target,
            Progress nextProgress,
            Map<String, Object> nextResult,
            JobError nextError,
            Instant started,
            Instant finished) {
        if (!state.canMoveTo(target)) {
            throw new IllegalJobStateChangeException(state, target);
        }
        return new Job(
                id,
                type,
                name,
                owner,
                target,
                seq + 1,
                nextProgress,
                params,
                nextResult,
                nextError,
                createdAt,
                started != null ? started : startedAt,
                finished,
                cancelRequested,
                attempt,
                node,
                external,
                lastReportAt);
    }

    /**
     * This job as {@code event}, its next event, leaves it: {@code seq}, state, progress, result and error from the event
     * (which carries them whole); the rest (times, attempt, node, cancel flag) as they were. Exact for what the event
     * carries, so good for following a job's state in memory, not for a full view.
     */
    public Job advancedBy(JobEvent event) {
        if (!event.jobId().equals(id)) {
            throw new IllegalArgumentException("event of job " + event.jobId() + " applied to job " + id);
        }
        return new Job(
                id,
                type,
                name,
                owner,
                event.state(),
                event.seq(),
                event.progress(),
                params,
                event.result(),
                event.error(),
                createdAt,
                startedAt,
                finishedAt,
                cancelRequested,
                attempt,
                node,
                external,
                lastReportAt);
    }

    /** The event that records this version of the job. */
    public JobEvent event(EventKind kind, Instant at) {
        return new JobEvent(id, seq, kind, state, progress, at, result, error);
    }

    /**
     * An unmodifiable copy of {@code values} in their order, made once: a map this returned is kept as it is, so the
     * versions of a job share its parameters (every progress report makes a version; a copy per version showed in the
     * reports benchmark's profile).
     */
    private static Map<String, Object> frozen(Map<String, Object> values) {
        if (values instanceof Frozen) {
            return values;
        }
        return values == null || values.isEmpty() ? Map.of() : new Frozen(values);
    }

    /** The unmodifiable copy {@link #frozen} makes; its own class, so that it is known again and not copied twice. */
    private static final class Frozen extends AbstractMap<String, Object> {

        private final Map<String, Object> view;

        Frozen(Map<String, Object> values) {
            this.view = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return view.entrySet();
        }

        @Override
        public Object get(Object key) {
            return view.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return view.containsKey(key);
        }

        @Override
        public int size() {
            return view.size();
        }
    }
}
