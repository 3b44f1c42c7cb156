package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.config.RetentionSettings;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.Progress;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.store.Database;
import io.jobpulse.store.JdbcJobStore;
import io.jobpulse.store.Retention;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweeper's run on the embedded H2: what it asks of {@link Retention}, by which limits, and what it counts. */
class RetentionSweeperTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final RetentionSettings WEEK_AND_HOUR =
            new RetentionSettings(Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofHours(1)));

    @TempDir
    Path dataDir;

    private JdbcConnectionPool pool;
    private JdbcJobStore store;
    private final NodeMetrics metrics = new NodeMetrics();

    @BeforeEach
    void open() {
        pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dataDir.resolve("jobpulse") + ";DB_CLOSE_ON_EXIT=FALSE", "jobpulse", "");
        Database.migrate(pool);
        store = new JdbcJobStore(pool);
    }

    @AfterEach
    void close() {
        pool.dispose();
    }

    @Test
    void deletesPastTheRetentionCompactsPastTheDelayCountsBothAndLeavesTheRest() {
        JobId weekOld = endedJob(NOW.minus(Duration.ofDays(8)), 10);
        JobId hoursOld = endedJob(NOW.minus(Duration.ofHours(2)), 10);
        JobId justEnded = endedJob(NOW.minus(Duration.ofMinutes(5)), 10);

        RetentionSweeper.Sweep sweep =
                sweeper(WEEK_AND_HOUR, Retention.BATCH_ROWS).runOnce(far());

        assertThat(sweep).isEqualTo(new RetentionSweeper.Sweep(1, 13, 1, 9, false, false));
        assertThat(store.find(weekOld)).isEmpty();
        assertThat(store.eventsAfter(hoursOld, 0, Long.MAX_VALUE, 100)).hasSize(4);
        assertThat(store.eventsAfter(justEnded, 0, Long.MAX_VALUE, 100)).hasSize(13);
        assertThat(metrics.get(Counter.RETENTION_JOBS_DELETED)).isEqualTo(1);
        assertThat(metrics.get(Counter.RETENTION_EVENTS_DELETED)).isEqualTo(13);
        assertThat(metrics.get(Counter.RETENTION_EVENTS_COMPACTED)).isEqualTo(9);
    }

    @Test
    void offDeletesAndCompactsNothing() {
        JobId old = endedJob(NOW.minus(Duration.ofDays(30)), 10);

        RetentionSweeper.Sweep sweep =
                sweeper(RetentionSettings.OFF, Retention.BATCH_ROWS).sweepNow();

        assertThat(sweep.changedAnything()).isFalse();
        assertThat(store.eventsAfter(old, 0, Long.MAX_VALUE, 100)).hasSize(13);
    }

    @Test
    void aRunPastItsDeadlineStopsAfterOneBatchAndSaysThereIsMore() {
        endedJob(NOW.minus(Duration.ofDays(8)), 10);
        RetentionSweeper sweeper = sweeper(WEEK_AND_HOUR, 5);

        RetentionSweeper.Sweep first = sweeper.runOnce(System.nanoTime() - 1);

        assertThat(first).isEqualTo(new RetentionSweeper.Sweep(0, 5, 0, 0, false, true));
        RetentionSweeper.Sweep rest = sweeper.runOnce(far());
        assertThat(rest).isEqualTo(new RetentionSweeper.Sweep(1, 8, 0, 0, false, false));
    }

    @Test
    void aRunThatFailsUnexpectedlyIsLoggedWithItsExceptionAndTheNextComesAPeriodLater() {
        IllegalStateException failure = new IllegalStateException("clock broken");
        Clock broken = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                throw failure;
            }
        };
        RetentionSweeper sweeper = new RetentionSweeper(new Retention(pool, false, 5), WEEK_AND_HOUR, broken, metrics);
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord item) {
                records.add(item);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(RetentionSweeper.class.getName());
        logger.addHandler(handler);
        try {
            Duration next = sweeper.runLogged();

            assertThat(next)
                    .isBetween(
                            RetentionSweeper.PERIOD.multipliedBy(8).dividedBy(10),
                            RetentionSweeper.PERIOD.multipliedBy(12).dividedBy(10));
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(records)
                .singleElement()
                .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.SEVERE))
                .satisfies(r -> assertThat(r.getThrown()).isSameAs(failure));
    }

    private RetentionSweeper sweeper(RetentionSettings settings, int batchRows) {
        return new RetentionSweeper(
                new Retention(pool, false, batchRows), settings, Clock.fixed(NOW, ZoneOffset.UTC), metrics);
    }

    private static long far() {
        return System.nanoTime() + Duration.ofMinutes(1).toNanos();
    }

    /** QUEUED, RUNNING, {@code progress} progress events, SUCCEEDED at {@code endedAt}. */
    private JobId endedJob(Instant endedAt, int progress) {
        Job job = Job.submit(JobId.random(), "steps", "a job", "alice", Map.of(), endedAt.minusSeconds(1));
        store.submit(job, Optional.empty());
        assertThat(store.update(job.id(), endedAt, j -> Optional.of(j.start(endedAt, "node-1"))))
                .isPresent();
        for (int i = 1; i <= progress; i++) {
            int done = i;
            assertThat(store.update(job.id(), endedAt, j -> j.report(new Progress(done, progress, "step"))))
                    .isPresent();
        }
        assertThat(store.update(job.id(), endedAt, j -> Optional.of(j.succeed(Map.of(), endedAt))))
                .isPresent();
        return job.id();
    }
}
