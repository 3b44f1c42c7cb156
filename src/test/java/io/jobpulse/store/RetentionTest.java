package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Retention} on both databases: what compaction and deletion keep and remove, in batches, and (on PostgreSQL)
 * that a sweep whose lock another node holds does nothing.
 */
class RetentionTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    @Nested
    @DisplayName("on embedded H2 (file database)")
    class OnH2 extends Contract {

        @TempDir
        Path dataDir;

        private EmbeddedPool pool;

        @Override
        DataSource openMigratedDatabase() {
            pool = Database.openEmbedded(dataDir);
            Database.migrate(pool);
            return pool;
        }

        @Override
        boolean postgres() {
            return false;
        }

        @AfterEach
        void disposePool() {
            pool.close();
        }
    }

    @Nested
    @DisplayName("on PostgreSQL (embedded binaries)")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgreSQL extends Contract {

        private TestPostgres postgres;

        @BeforeAll
        void startPostgres() {
            postgres = TestPostgres.startOrAbort("retention_");
        }

        @AfterAll
        void stopPostgres() throws Exception {
            if (postgres != null) {
                postgres.close();
            }
        }

        @Override
        DataSource openMigratedDatabase() throws SQLException {
            return postgres.migratedDatabase();
        }

        @Override
        boolean postgres() {
            return true;
        }

        @Test
        void aSweepWhoseLockAnotherNodeHoldsDoesNothing() throws SQLException {
            JobId old = endedJob("alice", T0, 5);
            Retention otherNode = new Retention(dataSource, true, Retention.BATCH_ROWS);
            try (Connection holder = dataSource.getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, Retention.LOCK_KEY);
                    ps.execute(); // another node, in the middle of a batch
                }

                assertThat(retention.deleteBatch(T0.plusSeconds(1))).isEqualTo(Retention.Batch.LOCKED);
                assertThat(retention.compactBatch(T0.plusSeconds(1))).isEqualTo(Retention.Batch.LOCKED);
                assertThat(store.find(old)).isPresent();
                assertThat(storedSeqs(old)).hasSize(8);

                holder.commit(); // its batch ends: the lock is free again
            }
            assertThat(otherNode.deleteBatch(T0.plusSeconds(1))).isEqualTo(new Retention.Batch(false, 1, 8, false));
            assertThat(store.find(old)).isEmpty();
        }

        @Test
        @Timeout(60)
        void twoNodesSweepingAtOnceDeleteEachJobOnceAndNeverAtTheSameTime() throws Exception {
            for (int i = 0; i < 30; i++) {
                endedJob("alice", T0.plusMillis(i), 10);
            }
            Retention a = new Retention(dataSource, true, 20);
            Retention b = new Retention(dataSource, true, 20);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                Future<long[]> first = nodes.submit(sweepAll(a, go));
                Future<long[]> second = nodes.submit(sweepAll(b, go));
                go.countDown();
                long[] x = first.get(50, TimeUnit.SECONDS);
                long[] y = second.get(50, TimeUnit.SECONDS);

                assertThat(x[0] + y[0]).isEqualTo(30); // every job deleted once, by one node or the other
                assertThat(x[1] + y[1]).isEqualTo(30 * 13);
                assertThat(countRows("jp_job")).isZero();
                assertThat(countRows("jp_job_event")).isZero();
            } finally {
                nodes.shutdownNow();
            }
        }

        /** Sweeps until a batch finds nothing, batches refused for the lock included; answers {jobs, events}. */
        private Callable<long[]> sweepAll(Retention node, CountDownLatch go) {
            return () -> {
                go.await(10, TimeUnit.SECONDS);
                long jobs = 0;
                long events = 0;
                while (true) {
                    Retention.Batch batch = node.deleteBatch(T0.plusSeconds(1));
                    jobs += batch.jobs();
                    events += batch.events();
                    if (!batch.locked() && !batch.more() && batch.jobs() == 0) {
                        return new long[] {jobs, events};
                    }
                }
            };
        }
    }

    abstract static class Contract {

        DataSource dataSource;
        JdbcJobStore store;
        Retention retention;

        /** A database of the test's own with JobPulse's schema ({@link Database#migrate}). */
        abstract DataSource openMigratedDatabase() throws Exception;

        abstract boolean postgres();

        @BeforeEach
        void migrateAndOpenStore() throws Exception {
            dataSource = openMigratedDatabase();
            store = new JdbcJobStore(dataSource);
            retention = new Retention(dataSource, postgres(), Retention.BATCH_ROWS);
        }

        // ---- compaction

        @Test
        void compactionKeepsEveryStateEventTheNewestProgressAndTheTerminalEvent() {
            // QUEUED 1, RUNNING 2, progress 3..5, re-queued 6, RUNNING 7, progress 8..10, SUCCEEDED 11
            JobId job = submitted("alice", T0);
            start(job, T0);
            progress(job, 3, T0);
            store.update(job, T0, j -> Optional.of(j.interrupt("node stopped", 3, T0)));
            start(job, T0);
            progress(job, 3, T0);
            finish(job, T0.plusSeconds(10));
            Job before = store.find(job).orElseThrow();

            Retention.Batch batch = retention.compactBatch(T0.plusSeconds(11));

            assertThat(batch).isEqualTo(new Retention.Batch(false, 1, 5, false));
            assertThat(storedSeqs(job)).containsExactly(1L, 2L, 6L, 7L, 10L, 11L);
            assertThat(store.eventsAfter(job, 0, Long.MAX_VALUE, 100))
                    .extracting(JobEvent::kind, JobEvent::state)
                    .containsExactly(
                            tuple(EventKind.STATE, JobState.QUEUED),
                            tuple(EventKind.STATE, JobState.RUNNING),
                            tuple(EventKind.STATE, JobState.QUEUED),
                            tuple(EventKind.STATE, JobState.RUNNING),
                            tuple(EventKind.PROGRESS, JobState.RUNNING),
                            tuple(EventKind.STATE, JobState.SUCCEEDED));
            assertThat(store.find(job)).contains(before);
            assertThat(retention.compactBatch(T0.plusSeconds(11))).isEqualTo(new Retention.Batch(false, 0, 0, false));
        }

        @Test
        void compactionLeavesRunningJobsAndJobsEndedSinceTheLimitAlone() {
            JobId running = submitted("alice", T0);
            start(running, T0);
            progress(running, 5, T0);
            JobId recent = endedJob("alice", T0.plusSeconds(60), 5);
            JobId old = endedJob("alice", T0, 5);

            Retention.Batch batch = retention.compactBatch(T0.plusSeconds(30));

            assertThat(batch).isEqualTo(new Retention.Batch(false, 1, 4, false));
            assertThat(storedSeqs(old)).containsExactly(1L, 2L, 7L, 8L);
            assertThat(storedSeqs(recent)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(storedSeqs(running)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }

        @Test
        void compactionRunsInBatchesOfAtMostTheBatchSize() {
            JobId big = endedJob("alice", T0, 50);
            JobId small = endedJob("alice", T0.plusMillis(1), 3);
            Retention byTen = new Retention(dataSource, postgres(), 10);

            List<Retention.Batch> batches = drain(byTen::compactBatch, T0.plusSeconds(1));

            assertThat(batches)
                    .allSatisfy(b -> assertThat(b.events() + b.jobs()).isLessThanOrEqualTo(10));
            assertThat(batches).hasSizeGreaterThan(5);
            assertThat(batches.stream().mapToLong(Retention.Batch::events).sum())
                    .isEqualTo(49 + 2);
            assertThat(storedSeqs(big)).containsExactly(1L, 2L, 52L, 53L);
            assertThat(storedSeqs(small)).containsExactly(1L, 2L, 5L, 6L);
        }

        // ---- deletion

        @Test
        void deletionRemovesTheJobsEndedBeforeTheLimitWithTheirEventsAndKeysAndNothingElse() throws SQLException {
            JobId old = endedJob("alice", T0, 5, Optional.of(new IdempotencyKey("k-old", "h")));
            JobId cancelled = submitted("bob", T0);
            store.update(cancelled, T0, j -> Optional.of(j.cancel(T0)));
            JobId recent = endedJob("alice", T0.plusSeconds(60), 5, Optional.of(new IdempotencyKey("k-new", "h")));
            JobId running = submitted("alice", T0);
            start(running, T0);
            JobId queued = submitted("alice", T0);

            Retention.Batch batch = retention.deleteBatch(T0.plusSeconds(30));

            assertThat(batch).isEqualTo(new Retention.Batch(false, 2, 8 + 2, false));
            assertThat(store.find(old)).isEmpty();
            assertThat(store.find(cancelled)).isEmpty();
            assertThat(storedSeqs(old)).isEmpty();
            assertThat(storedSeqs(cancelled)).isEmpty();
            assertThat(store.hasIdempotencyKey("alice", "k-old")).isFalse();
            assertThat(store.hasIdempotencyKey("alice", "k-new")).isTrue();
            assertThat(store.find(recent)).isPresent();
            assertThat(storedSeqs(recent)).hasSize(8);
            assertThat(storedSeqs(running)).containsExactly(1L, 2L);
            assertThat(storedSeqs(queued)).containsExactly(1L);
            assertThat(countRows("jp_job")).isEqualTo(3);
        }

        @Test
        void deletionRunsInBatchesOfAtMostTheBatchSize() throws SQLException {
            List<JobId> old = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                old.add(endedJob("alice", T0.plusMillis(i), i * 3));
            }
            JobId kept = endedJob("alice", T0.plusSeconds(60), 3);
            Retention bySeven = new Retention(dataSource, postgres(), 7);

            List<Retention.Batch> batches = drain(bySeven::deleteBatch, T0.plusSeconds(1));

            assertThat(batches).allSatisfy(b -> assertThat(b.events()).isLessThanOrEqualTo(7));
            assertThat(batches.stream().mapToLong(Retention.Batch::jobs).sum()).isEqualTo(12);
            long events = 0;
            for (int i = 0; i < 12; i++) {
                events += i * 3 + 3;
            }
            assertThat(batches.stream().mapToLong(Retention.Batch::events).sum())
                    .isEqualTo(events);
            assertThat(old).allSatisfy(id -> assertThat(store.find(id)).isEmpty());
            assertThat(countRows("jp_job")).isEqualTo(1);
            assertThat(storedSeqs(kept)).hasSize(6);
        }

        @Test
        void aNewSubmitMayReuseTheKeyOfADeletedJob() {
            JobId old = endedJob("alice", T0, 1, Optional.of(new IdempotencyKey("k-1", "h")));
            drain(retention::deleteBatch, T0.plusSeconds(1));

            Job again = aQueuedJob("alice", T0.plusSeconds(2));
            SubmitOutcome outcome = store.submit(again, Optional.of(new IdempotencyKey("k-1", "h")));

            assertThat(outcome).isEqualTo(new SubmitOutcome.Created(again));
            assertThat(again.id()).isNotEqualTo(old);
        }

        // ---- fixtures

        List<Retention.Batch> drain(Function<Instant, Retention.Batch> batch, Instant before) {
            List<Retention.Batch> batches = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Retention.Batch b = batch.apply(before);
                batches.add(b);
                if (!b.more() && b.jobs() == 0 && b.events() == 0) {
                    return batches;
                }
            }
            throw new AssertionError("the sweep did not end in 1000 batches: " + batches.subList(0, 5));
        }

        /** QUEUED 1, RUNNING 2, progress 3..progress+2, SUCCEEDED at {@code endedAt}. */
        JobId endedJob(String owner, Instant endedAt, int progress) {
            return endedJob(owner, endedAt, progress, Optional.empty());
        }

        JobId endedJob(String owner, Instant endedAt, int progress, Optional<IdempotencyKey> key) {
            Job job = aQueuedJob(owner, endedAt.minusSeconds(1));
            store.submit(job, key);
            start(job.id(), endedAt.minusSeconds(1));
            progress(job.id(), progress, endedAt.minusSeconds(1));
            finish(job.id(), endedAt);
            return job.id();
        }

        JobId submitted(String owner, Instant at) {
            Job job = aQueuedJob(owner, at);
            store.submit(job, Optional.empty());
            return job.id();
        }

        void start(JobId job, Instant at) {
            store.update(job, at, j -> Optional.of(j.start(at, "node-1")));
        }

        void progress(JobId job, int count, Instant at) {
            for (int i = 1; i <= count; i++) {
                int done = i;
                assertThat(store.update(job, at, j -> j.report(new Progress(done, count, "step " + done))))
                        .isPresent();
            }
        }

        void finish(JobId job, Instant at) {
            assertThat(store.update(job, at, j -> Optional.of(j.succeed(Map.of("ok", true), at))))
                    .isPresent();
        }

        List<Long> storedSeqs(JobId job) {
            return store.eventsAfter(job, 0, Long.MAX_VALUE, 10_000).stream()
                    .map(JobEvent::seq)
                    .toList();
        }

        long countRows(String table) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        static Job aQueuedJob(String owner, Instant createdAt) {
            return Job.submit(JobId.random(), "steps", "a job", owner, Map.of("count", 3L), createdAt);
        }
    }
}
