package io.jobpulse.execution;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.JobParameters;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Report;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import io.jobpulse.store.IdempotencyKey;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.ReportOutcome;
import io.jobpulse.store.ReportRequest;
import io.jobpulse.store.SubmitOutcome;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The use cases of jobs that run elsewhere ({@link ExternalJobType}): submitting one (QUEUED, with its heartbeat
 * deadline; no node will claim it) and taking its worker's reports. Each report is judged and stored by the store
 * under the job's row lock, and its events go to the {@link EventPublisher} after the commit, like every other
 * writer's.
 *
 * <p>Reports are not written through the {@link RunWriter}: a report's answer needs its outcome (the job's new
 * {@code seq}, or why nothing changed: a repeat, out of order, ended, cancelled), and the store decides it under the
 * row lock so that a retry sent to another node of a cluster is still recognised. They share commits all the same,
 * through {@link ReportCommits}: the reports that arrive while one commit is under way go in the next one. Under that
 * load, the {@link ReportDesk} answers a running job's progress and heartbeats at once from what the store last said
 * of the job, and a job's reports still queued are merged, newest progress first, as a handler's are. The reports each
 * job may send a second are bounded ({@code jobpulse.external.reports-per-second}).
 */
@ApplicationScoped
public class ExternalJobs {

    @Inject
    JdbcJobStore store;

    @Inject
    EventPublisher publisher;

    @Inject
    Clock clock;

    @Inject
    JobTypeRegistry types;

    @Inject
    JobPulseConfig config;

    @Inject
    ContainerExecutors executors;

    @Inject
    NodeMetrics metrics;

    private ReportDesk desk;

    @PostConstruct
    void start() {
        desk = new ReportDesk(new ReportCommits(store, publisher, executors.tasks()), metrics);
    }

    /** Stores a new external job of {@code type}, QUEUED, with its first event, and publishes that event. */
    SubmitOutcome submit(
            ExternalJobType type, String owner, String name, JobParameters params, Optional<IdempotencyKey> key) {
        Job job = Job.submitExternal(JobId.random(), type.name(), name, owner, params.values(), clock.instant());
        SubmitOutcome outcome = store.submitExternal(job, key, heartbeatTimeout(type.name()));
        if (outcome instanceof SubmitOutcome.Created) {
            publisher.publish(List.of(job.event(EventKind.STATE, job.createdAt())));
        }
        return outcome;
    }

    /**
     * Takes a report of the job's worker ({@link ReportDesk}): stored in the next shared commit, its events published
     * after it; empty when there is no such job. The outcome says what happened ({@link ReportOutcome}), with the job
     * as it is (or, for a progress report answered under load, will be once stored).
     */
    public Optional<ReportOutcome> report(JobId id, Report report) {
        return desk.report(new ReportRequest(id, report, clock.instant(), job -> heartbeatTimeout(job.type())));
    }

    /** External job {@code id} ended other than by its worker (cancelled, or its worker lost): its next report is told. */
    void ended(JobId id) {
        desk.forget(id);
    }

    /** The heartbeat timeout of jobs of {@code type}: its own, else {@code jobpulse.external.heartbeat-timeout}. */
    public Duration heartbeatTimeout(String type) {
        return types.external(type)
                .flatMap(ExternalJobType::heartbeatTimeout)
                .orElse(config.external().heartbeatTimeout());
    }

    /** The shortest heartbeat timeout of the deployed external types (the sweeper runs often enough for it). */
    Duration shortestHeartbeatTimeout() {
        return types.externals().stream()
                .map(type -> heartbeatTimeout(type.name()))
                .min(Duration::compareTo)
                .orElse(config.external().heartbeatTimeout());
    }
}
