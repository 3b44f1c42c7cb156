package io.jobpulse.execution;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.JobParameters;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.hub.EventPublisher;
import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Report;
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
 * {@code seq}, or why nothing changed: a repeat, out of order, ended, cancelled), decided under the row lock so that
 * a retry sent to another node of a cluster is still recognised, and the writer's slots hand values over without an
 * answer and replace an older value by a newer one. They share commits all the same, through {@link ReportCommits}:
 * the reports that arrive while one commit is under way go in the next one, each with its own outcome. The reports
 * each job may send a second are bounded ({@code jobpulse.external.reports-per-second}).
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

    private ReportCommits commits;

    @PostConstruct
    void start() {
        commits = new ReportCommits(store, publisher);
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
     * Applies a report of the job's worker in the next shared commit ({@link ReportCommits}) and publishes the events
     * it added; empty when there is no such job. The outcome says what happened ({@link ReportOutcome}), with the job
     * as it is now.
     */
    public Optional<ReportOutcome> report(JobId id, Report report) {
        return commits.report(new ReportRequest(id, report, clock.instant(), job -> heartbeatTimeout(job.type())));
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
