package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.job.EventKind;
import io.jobpulse.job.IllegalJobStateChangeException;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobError;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import io.jobpulse.job.Progress;
import io.jobpulse.job.Report;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * One contract, run against both databases JobPulse supports: the embedded file-based H2 and a real PostgreSQL
 * (zonky embedded binaries, no Docker). Every test gets a fresh, migrated database.
 */
class JdbcJobStoreTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00.123Z");
    /** A lease that ran out before it was taken: the job is orphaned at once by the database's clock. */
    private static final Duration EXPIRED = Duration.ofSeconds(-1);

    private static final Duration LEASE = Duration.ofMinutes(1);

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

        @AfterEach
        void disposePool() {
            pool.close();
        }

        @Test
        void restartKeepsEveryJobAndItsEvents() {
            Job job = aQueuedJob("alice", T0);
            store.submit(job, Optional.of(new IdempotencyKey("k-1", "hash-1")));
            store.claimNext("node-1", T0.plusMillis(5), LEASE);
            store.update(job.id(), T0.plusMillis(9), j -> j.report(new Progress(3, 10, "three")));
            Job before = store.find(job.id()).orElseThrow();
            List<JobEvent> eventsBefore = allEvents(job.id());

            pool.close();
            pool = Database.openEmbedded(dataDir);
            Database.migrate(pool);
            JdbcJobStore reopened = new JdbcJobStore(pool);

            assertThat(reopened.find(job.id())).contains(before);
            assertThat(reopened.eventsAfter(job.id(), 0, Long.MAX_VALUE, 100))
                    .isEqualTo(eventsBefore)
                    .hasSize(3);
            assertThat(reopened.submit(aQueuedJob("alice", T0), Optional.of(new IdempotencyKey("k-1", "hash-1"))))
                    .isEqualTo(new SubmitOutcome.Replayed(before));
        }
    }

    @Nested
    @DisplayName("on PostgreSQL (embedded binaries)")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgreSQL extends Contract {

        private TestPostgres postgres;

        @BeforeAll
        void startPostgres() {
            postgres = TestPostgres.startOrAbort("jobpulse_");
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

        /**
         * A database created with a language's locale sorts {@code a} before {@code Z}; Java sorts {@code Z} (90) first.
         * A commit must lock in Java's order, as a lease renewal does, or the two can deadlock: with {@code Z} held
         * elsewhere, the commit waits for it before it has locked {@code a}.
         */
        @Test
        @Timeout(60)
        void aCommitLocksRowsInJavasOrderUnderALanguagesCollation() throws Exception {
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("ALTER TABLE jp_job ALTER COLUMN id TYPE VARCHAR(32) COLLATE \"en-x-icu\"");
            }
            JobId upper = new JobId("Z" + "A".repeat(21));
            JobId lower = new JobId("a" + "A".repeat(21));
            for (JobId id : List.of(upper, lower)) {
                store.submit(Job.submit(id, "steps", "collation", "alice", Map.of(), T0), Optional.empty());
            }
            assertThat(idsInDatabaseOrder())
                    .as("the column sorts by language, not by code point")
                    .containsExactly(lower.value(), upper.value());

            List<Optional<Change>> committed = whileHeld(
                    upper,
                    () -> store.updateAll(List.of(
                            new JobUpdate(upper, T0, j -> Optional.empty()),
                            new JobUpdate(lower, T0, j -> Optional.empty()))),
                    () -> assertThat(lockableNow(lower))
                            .as("waiting for Z, the commit holds no lock on a: it locks Z first, as Java sorts")
                            .isTrue());
            assertThat(committed).hasSize(2);
        }

        /** A renewal waiting for a row holds no lock of the chunks before it: a commit that needs those goes ahead. */
        @Test
        @Timeout(60)
        void aWaitingLeaseRenewalHoldsNoLockOfItsEarlierChunks() throws Exception {
            List<JobId> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(submitted("alice", T0.plusMillis(i)).id());
                store.claimNext("node-1", T0, LEASE);
            }
            ids.sort(Comparator.comparing(JobId::value));
            Map<JobId, Integer> runs = new LinkedHashMap<>();
            ids.forEach(id -> runs.put(id, 1));

            Set<JobId> lost = whileHeld(ids.get(2), () -> store.renewLeases("node-1", runs, LEASE, 1), () -> {
                assertThat(lockableNow(ids.get(0)))
                        .as("the first chunk committed")
                        .isTrue();
                assertThat(lockableNow(ids.get(1))).as("the second too").isTrue();
            });
            assertThat(lost).isEmpty();
        }

        /** What another transaction checks while the row it needs is held. */
        @FunctionalInterface
        private interface Check {
            void run() throws Exception;
        }

        /**
         * Runs {@code work} on another thread while a transaction of this test holds {@code held}'s row; once a session
         * waits for a lock, runs {@code whileWaiting}, releases the row and answers what {@code work} returned (30 s).
         */
        private <T> T whileHeld(JobId held, Callable<T> work, Check whileWaiting) throws Exception {
            try (Connection blocker = dataSource.getConnection()) {
                blocker.setAutoCommit(false);
                lock(blocker, held);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<T> done = pool.submit(work);
                    awaitALockWait();
                    whileWaiting.run();
                    blocker.rollback();
                    return done.get(30, TimeUnit.SECONDS);
                } finally {
                    pool.shutdownNow();
                }
            }
        }

        private List<String> idsInDatabaseOrder() throws SQLException {
            List<String> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM jp_job ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }

        private static void lock(Connection c, JobId id) throws SQLException {
            try (Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT id FROM jp_job WHERE id = '" + id.value() + "' FOR UPDATE")) {
                assertThat(rs.next()).isTrue();
            }
        }

        /** Whether another transaction could lock the row now (it is not held), without waiting for it. */
        private boolean lockableNow(JobId id) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery(
                                "SELECT id FROM jp_job WHERE id = '" + id.value() + "' FOR UPDATE SKIP LOCKED")) {
                    return rs.next();
                } finally {
                    c.rollback();
                }
            }
        }

        /** Until a session of this database waits for a lock (30 s at most). */
        private void awaitALockWait() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (Connection c = dataSource.getConnection();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                                + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime() - deadline)
                        .as("no session waited for a lock within 30 s")
                        .isNegative();
                Thread.sleep(20);
            }
        }
    }

    abstract static class Contract {

        DataSource dataSource;
        JdbcJobStore store;

        /** A database of the test's own with JobPulse's schema ({@link Database#migrate}). */
        abstract DataSource openMigratedDatabase() throws Exception;

        @BeforeEach
        void migrateAndOpenStore() throws Exception {
            dataSource = openMigratedDatabase();
            store = new JdbcJobStore(dataSource);
        }

        // ---- submit and find

        @Test
        void submitThenFindRoundTripsAQueuedJob() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("count", 5L);
            params.put("label", "héllo \"quoted\" ✓");
            params.put("flag", true);
            params.put("nested", Map.of("list", List.of(1L, "two", false, Map.of("deep", 3L)), "empty", Map.of()));
            Job job = Job.submit(JobId.random(), "steps", "my job", "alice", params, T0);

            SubmitOutcome outcome = store.submit(job, Optional.empty());

            assertThat(outcome).isEqualTo(new SubmitOutcome.Created(job));
            Job found = store.find(job.id()).orElseThrow();
            assertThat(found).isEqualTo(job);
            assertThat(found.params()).isEqualTo(params);
            assertThat(found.createdAt()).isEqualTo(T0);
        }

        @Test
        void submitThenFindRoundTripsEveryFieldOfAFinishedJob() {
            Job job = new Job(
                    JobId.random(),
                    "prime-count",
                    "all fields",
                    "bob",
                    JobState.FAILED,
                    7,
                    new Progress(40, 100, "forty"),
                    Map.of("limit", 1000L),
                    Map.of("partial", List.of(2L, 3L), "ok", false),
                    new JobError("step_failed", "failed at 4"),
                    T0,
                    T0.plusMillis(1),
                    T0.plusSeconds(61).plusMillis(999),
                    true,
                    2,
                    "node-7",
                    false,
                    null);

            store.submit(job, Optional.empty());

            assertThat(store.find(job.id())).contains(job);
        }

        @Test
        void findAnswersEmptyForAnUnknownJob() {
            assertThat(store.find(JobId.random())).isEmpty();
        }

        // ---- events

        @Test
        void theFirstEventIsSeqOneQueued() {
            Job job = submitted("alice", T0);

            assertThat(allEvents(job.id()))
                    .containsExactly(new JobEvent(
                            job.id(), 1, EventKind.STATE, JobState.QUEUED, Progress.none(), T0, null, null));
        }

        @Test
        void everyVersionAppendsExactlyOneEventOfTheRightKind() {
            Job job = submitted("alice", T0);
            Change claimed = store.claimNext("node-1", T0.plusMillis(10), LEASE).orElseThrow();
            Change progressed = store.update(job.id(), T0.plusMillis(20), j -> j.report(new Progress(1, 10, "one")))
                    .orElseThrow();
            Optional<Change> unchanged =
                    store.update(job.id(), T0.plusMillis(25), j -> j.report(new Progress(1, 10, "one")));
            Change succeeded = store.update(
                            job.id(),
                            T0.plusMillis(30),
                            j -> Optional.of(j.succeed(Map.of("steps", 10L), T0.plusMillis(30))))
                    .orElseThrow();

            assertThat(unchanged).isEmpty();
            List<JobEvent> events = allEvents(job.id());
            assertThat(events).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(events)
                    .extracting(JobEvent::kind)
                    .containsExactly(EventKind.STATE, EventKind.STATE, EventKind.PROGRESS, EventKind.STATE);
            assertThat(events)
                    .extracting(JobEvent::state)
                    .containsExactly(JobState.QUEUED, JobState.RUNNING, JobState.RUNNING, JobState.SUCCEEDED);
            assertThat(events.subList(1, 4))
                    .containsExactly(
                            claimed.event().orElseThrow(),
                            progressed.event().orElseThrow(),
                            succeeded.event().orElseThrow());
            assertThat(events.get(2).at()).isEqualTo(T0.plusMillis(20));
            assertThat(events.get(3).result()).isEqualTo(Map.of("steps", 10L));
            assertThat(events.get(3).progress()).isEqualTo(new Progress(1, 10, "one"));
            assertThat(store.find(job.id())).contains(succeeded.job());
            assertThat(succeeded.job().seq()).isEqualTo(4);
        }

        @Test
        void aFailedEventCarriesItsError() {
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);
            JobError error = new JobError("quota", "over quota");

            store.update(job.id(), T0.plusMillis(1), j -> Optional.of(j.fail(error, T0.plusMillis(1))));

            JobEvent last = allEvents(job.id()).get(2);
            assertThat(last.state()).isEqualTo(JobState.FAILED);
            assertThat(last.error()).isEqualTo(error);
            assertThat(last.result()).isNull();
        }

        @Test
        void requestCancelStoresTheFlagWithoutAnEvent() {
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);

            Change change = store.update(job.id(), T0.plusMillis(1), j -> Optional.of(j.requestCancel()))
                    .orElseThrow();

            assertThat(change.event()).isEmpty();
            Job found = store.find(job.id()).orElseThrow();
            assertThat(found.cancelRequested()).isTrue();
            assertThat(found.seq()).isEqualTo(2);
            assertThat(allEvents(job.id())).hasSize(2);
        }

        @Test
        void anIllegalTransitionThrowsAndChangesNothing() {
            Job job = submitted("alice", T0);

            assertThatThrownBy(() -> store.update(
                            job.id(), T0.plusMillis(1), j -> Optional.of(j.succeed(Map.of(), T0.plusMillis(1)))))
                    .isInstanceOf(IllegalJobStateChangeException.class)
                    .hasMessage("A job cannot move from QUEUED to SUCCEEDED");

            assertThat(store.find(job.id())).contains(job);
            assertThat(allEvents(job.id())).hasSize(1);
        }

        @Test
        void aChangeOfMoreThanOneVersionIsRolledBack() {
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);
            Job running = store.find(job.id()).orElseThrow();

            assertThatThrownBy(() -> store.update(
                            job.id(),
                            T0.plusMillis(1),
                            j -> j.report(new Progress(1, 3, "")).flatMap(once -> once.report(new Progress(2, 3, "")))))
                    .isInstanceOf(IllegalStateException.class);

            assertThat(store.find(job.id())).contains(running);
            assertThat(allEvents(job.id())).hasSize(2);
        }

        @Test
        void updateAllCommitsSeveralJobsChangesTogetherAndLeavesOutWhatDoesNotApply() {
            Job first = submitted("alice", T0);
            Job second = submitted("alice", T0.plusMillis(1));
            Job queued = submitted("alice", T0.plusMillis(2));
            store.claimNext("node-1", T0, LEASE);
            store.claimNext("node-1", T0, LEASE);
            Instant at = T0.plusMillis(5);

            List<Optional<Change>> changes = store.updateAll(List.of(
                    new JobUpdate(first.id(), at, j -> j.report(new Progress(1, 4, "one"))),
                    new JobUpdate(JobId.random(), at, j -> j.report(new Progress(1, 4, "unknown"))),
                    new JobUpdate(queued.id(), at, j -> Optional.of(j.succeed(Map.of(), at))),
                    new JobUpdate(second.id(), at, j -> j.report(new Progress(2, 4, "two")))));

            assertThat(changes).hasSize(4);
            assertThat(changes.get(1)).isEmpty();
            assertThat(changes.get(2))
                    .as("QUEUED cannot succeed: left out, the others commit")
                    .isEmpty();
            assertThat(changes.get(0).flatMap(Change::event)).hasValueSatisfying(e -> {
                assertThat(e.seq()).isEqualTo(3);
                assertThat(e.at()).isEqualTo(at);
                assertThat(e.progress()).isEqualTo(new Progress(1, 4, "one"));
            });
            assertThat(store.find(second.id()).orElseThrow().progress()).isEqualTo(new Progress(2, 4, "two"));
            assertThat(allEvents(second.id())).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L);
            assertThat(store.find(queued.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
            assertThat(allEvents(queued.id())).hasSize(1);
        }

        @Test
        void aCommitOfManyEventsStoresEachOnceWithItsOwnValues() {
            // 150 events in one JDBC batch (a driver may rewrite it into multi-row INSERTs: reWriteBatchedInserts)
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);
            List<JobUpdate> updates = new ArrayList<>();
            for (int i = 1; i <= 149; i++) {
                int step = i;
                updates.add(new JobUpdate(
                        job.id(), T0.plusMillis(i), j -> j.report(new Progress(step, 149, "step " + step))));
            }
            updates.add(new JobUpdate(job.id(), T0.plusSeconds(1), j -> Optional.of(j.succeed(Map.of("n", 149L), T0))));

            List<Optional<Change>> changes = store.updateAll(updates);

            assertThat(changes)
                    .allSatisfy(c -> assertThat(c.flatMap(Change::event)).isPresent());
            List<JobEvent> events = allEvents(job.id());
            assertThat(events)
                    .extracting(JobEvent::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 152)
                            .boxed()
                            .toList());
            for (int i = 1; i <= 149; i++) {
                JobEvent event = events.get(i + 1);
                assertThat(event.kind()).isEqualTo(EventKind.PROGRESS);
                assertThat(event.progress()).isEqualTo(new Progress(i, 149, "step " + i));
                assertThat(event.at()).isEqualTo(T0.plusMillis(i));
            }
            JobEvent last = events.get(151);
            assertThat(last.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(last.result()).isEqualTo(Map.of("n", 149L));
            assertThat(last.at()).isEqualTo(T0.plusSeconds(1));
        }

        @Test
        void updateAllChainsSeveralChangesOfOneJobInTheOrderGiven() {
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);
            Instant at = T0.plusMillis(5);

            List<Optional<Change>> changes = store.updateAll(List.of(
                    new JobUpdate(job.id(), at, j -> j.report(new Progress(1, 2, "one"))),
                    new JobUpdate(job.id(), at.plusMillis(1), j -> j.report(new Progress(2, 2, "two"))),
                    new JobUpdate(job.id(), at.plusMillis(2), j -> Optional.of(j.succeed(Map.of("n", 2), at)))));

            assertThat(changes)
                    .extracting(c -> c.flatMap(Change::event).map(JobEvent::seq).orElse(-1L))
                    .containsExactly(3L, 4L, 5L);
            assertThat(allEvents(job.id()))
                    .extracting(JobEvent::seq, JobEvent::kind)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1L, EventKind.STATE),
                            org.assertj.core.groups.Tuple.tuple(2L, EventKind.STATE),
                            org.assertj.core.groups.Tuple.tuple(3L, EventKind.PROGRESS),
                            org.assertj.core.groups.Tuple.tuple(4L, EventKind.PROGRESS),
                            org.assertj.core.groups.Tuple.tuple(5L, EventKind.STATE));
            Job stored = store.find(job.id()).orElseThrow();
            assertThat(stored.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(stored.seq()).isEqualTo(5);
            assertThat(stored.progress()).isEqualTo(new Progress(2, 2, "two"));
        }

        @Test
        void lockingJobsInChunksFindsEveryExistingJobOnce() throws SQLException {
            List<JobId> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(submitted("alice", T0.plusMillis(i)).id());
            }
            ids.add(JobId.random());
            ids.add(ids.get(0));
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                Map<JobId, Job> locked = JdbcJobStore.lockJobs(c, ids, 2);
                c.rollback();
                assertThat(locked.keySet()).containsExactlyInAnyOrderElementsOf(ids.subList(0, 5));
                assertThat(locked.values())
                        .allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.QUEUED));
            }
        }

        @Test
        void updateOfAnUnknownJobAnswersEmpty() {
            assertThat(store.update(JobId.random(), T0, j -> Optional.of(j.cancel(T0))))
                    .isEmpty();
        }

        @Test
        void eventsAfterAnswersTheWindowInOrder() {
            Job job = jobWithSixEvents();
            Job other = jobWithSixEvents();

            assertThat(store.eventsAfter(job.id(), 2, 5, 100))
                    .extracting(JobEvent::seq)
                    .containsExactly(3L, 4L, 5L);
            assertThat(store.eventsAfter(job.id(), 0, 6, 2))
                    .extracting(JobEvent::seq)
                    .containsExactly(1L, 2L);
            assertThat(store.eventsAfter(job.id(), 3, 100, 100))
                    .extracting(JobEvent::seq)
                    .containsExactly(4L, 5L, 6L);
            assertThat(store.eventsAfter(job.id(), 6, 100, 100)).isEmpty();
            assertThat(store.eventsAfter(job.id(), 4, 4, 100)).isEmpty();
            assertThat(store.eventsAfter(job.id(), 0, 6, 100))
                    .allSatisfy(e -> assertThat(e.jobId()).isEqualTo(job.id()));
            assertThat(store.eventsAfter(other.id(), 0, 6, 100)).hasSize(6);
        }

        // ---- listing

        @Test
        void listShowsTheOwnersJobsNewestFirst() {
            Job first = submitted("alice", T0);
            Job second = submitted("alice", T0.plusMillis(1));
            submitted("bob", T0.plusMillis(2));
            Job third = submitted("alice", T0.plusMillis(3));

            JobPage page = store.list("alice", Optional.empty(), 10, Optional.empty());

            assertThat(page.jobs()).containsExactly(third, second, first);
            assertThat(page.nextCursor()).isEmpty();
        }

        @Test
        void listFiltersByState() {
            Job running = submitted("alice", T0);
            Job queued = submitted("alice", T0.plusMillis(1));
            store.claimNext("node-1", T0.plusMillis(2), LEASE);

            assertThat(store.list("alice", Optional.of(JobState.RUNNING), 10, Optional.empty())
                            .jobs())
                    .extracting(Job::id)
                    .containsExactly(running.id());
            assertThat(store.list("alice", Optional.of(JobState.QUEUED), 10, Optional.empty())
                            .jobs())
                    .containsExactly(queued);
            assertThat(store.list("alice", Optional.of(JobState.FAILED), 10, Optional.empty())
                            .jobs())
                    .isEmpty();
        }

        @Test
        void pagingCoversEveryJobExactlyOnce() {
            for (int total : new int[] {7, 6}) {
                String owner = "pager-" + total;
                List<JobId> submittedNewestFirst = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    submittedNewestFirst.add(
                            0, submitted(owner, T0.plusMillis(i)).id());
                }
                submitted("someone-else", T0);

                List<JobId> seen = new ArrayList<>();
                Optional<Long> cursor = Optional.empty();
                int pages = 0;
                do {
                    JobPage page = store.list(owner, Optional.empty(), 3, cursor);
                    assertThat(page.jobs()).hasSizeLessThanOrEqualTo(3).isNotEmpty();
                    page.jobs().forEach(j -> seen.add(j.id()));
                    cursor = page.nextCursor();
                    pages++;
                } while (cursor.isPresent() && pages < 10);

                assertThat(seen).as("%d jobs in pages of 3", total).isEqualTo(submittedNewestFirst);
                assertThat(pages).isEqualTo((total + 2) / 3);
            }
        }

        @Test
        void ownersSeeOnlyTheirOwnJobs() {
            Job alices = submitted("alice", T0);
            Job bobs = submitted("bob", T0);

            assertThat(store.list("alice", Optional.empty(), 10, Optional.empty())
                            .jobs())
                    .containsExactly(alices);
            assertThat(store.list("bob", Optional.empty(), 10, Optional.empty()).jobs())
                    .containsExactly(bobs);
            assertThat(store.list("carol", Optional.empty(), 10, Optional.empty())
                            .jobs())
                    .isEmpty();
        }

        @Test
        void countQueuedCountsOnlyTheOwnersQueuedJobs() {
            assertThat(store.countQueued("alice")).isZero();
            Job running = submitted("alice", T0);
            Job cancelled = submitted("alice", T0.plusMillis(1));
            submitted("alice", T0.plusMillis(2));
            submitted("alice", T0.plusMillis(3));
            submitted("bob", T0.plusMillis(4));
            assertThat(store.countQueued("alice")).isEqualTo(4);

            assertThat(store.claimNext("node-1", T0.plusMillis(5), LEASE))
                    .hasValueSatisfying(change -> assertThat(change.job().id()).isEqualTo(running.id()));
            store.update(cancelled.id(), T0.plusMillis(6), j -> Optional.of(j.cancel(T0.plusMillis(6))));

            assertThat(store.countQueued("alice")).isEqualTo(2);
            assertThat(store.countQueued("bob")).isEqualTo(1);
            assertThat(store.countQueued("carol")).isZero();
        }

        // ---- idempotency

        @Test
        void sameKeyAndSameRequestReplaysTheEarlierJob() {
            IdempotencyKey key = new IdempotencyKey("order-42", "hash-a");
            Job first = aQueuedJob("alice", T0);
            Job retry = aQueuedJob("alice", T0.plusSeconds(1));

            assertThat(store.submit(first, Optional.of(key))).isEqualTo(new SubmitOutcome.Created(first));
            assertThat(store.submit(retry, Optional.of(key))).isEqualTo(new SubmitOutcome.Replayed(first));

            assertThat(store.find(retry.id())).isEmpty();
            assertThat(countRows("jp_job")).isEqualTo(1);
            assertThat(countRows("jp_job_event")).isEqualTo(1);
        }

        @Test
        void sameKeyWithAnotherRequestIsAConflict() {
            Job first = aQueuedJob("alice", T0);
            store.submit(first, Optional.of(new IdempotencyKey("order-42", "hash-a")));

            SubmitOutcome outcome =
                    store.submit(aQueuedJob("alice", T0), Optional.of(new IdempotencyKey("order-42", "hash-b")));

            assertThat(outcome).isEqualTo(new SubmitOutcome.KeyConflict(first));
            assertThat(countRows("jp_job")).isEqualTo(1);
        }

        @Test
        void theSameKeyOfAnotherOwnerIsIndependent() {
            IdempotencyKey key = new IdempotencyKey("order-42", "hash-a");
            Job alices = aQueuedJob("alice", T0);
            Job bobs = aQueuedJob("bob", T0);

            store.submit(alices, Optional.of(key));

            assertThat(store.submit(bobs, Optional.of(key))).isEqualTo(new SubmitOutcome.Created(bobs));
            assertThat(countRows("jp_job")).isEqualTo(2);
        }

        @Test
        void hasIdempotencyKeyKnowsTheOwnersUsedKeys() {
            store.submit(aQueuedJob("alice", T0), Optional.of(new IdempotencyKey("order-42", "hash-a")));

            assertThat(store.hasIdempotencyKey("alice", "order-42")).isTrue();
            assertThat(store.hasIdempotencyKey("alice", "order-43")).isFalse();
            assertThat(store.hasIdempotencyKey("bob", "order-42")).isFalse();
        }

        // ---- claims and leases

        @Test
        void claimNextClaimsTheOldestQueuedJobFirst() {
            Job oldest = submitted("alice", T0);
            Job younger = submitted("bob", T0.plusMillis(1));
            Instant now = T0.plusSeconds(2);

            Change claimed = store.claimNext("node-1", now, LEASE).orElseThrow();

            assertThat(claimed.job().id()).isEqualTo(oldest.id());
            assertThat(claimed.job().state()).isEqualTo(JobState.RUNNING);
            assertThat(claimed.job().startedAt()).isEqualTo(now);
            assertThat(claimed.event())
                    .contains(new JobEvent(
                            oldest.id(), 2, EventKind.STATE, JobState.RUNNING, Progress.none(), now, null, null));
            assertThat(store.find(oldest.id())).contains(claimed.job());
            assertThat(allEvents(oldest.id())).last().isEqualTo(claimed.event().orElseThrow());

            assertThat(store.claimNext("node-1", now, LEASE).orElseThrow().job().id())
                    .isEqualTo(younger.id());
            assertThat(store.claimNext("node-1", now, LEASE)).isEmpty();
        }

        @Test
        void claimNextAnswersEmptyWhenNothingIsQueued() {
            assertThat(store.claimNext("node-1", T0, LEASE)).isEmpty();

            Job cancelled = submitted("alice", T0);
            store.update(cancelled.id(), T0, j -> Optional.of(j.cancel(T0)));

            assertThat(store.claimNext("node-1", T0, LEASE)).isEmpty();
        }

        @Test
        @Timeout(60)
        void concurrentClaimsNeverClaimTheSameJob() throws Exception {
            List<JobId> queued = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                queued.add(submitted("alice", T0.plusMillis(i)).id());
            }
            List<JobId> claimed = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> workers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    String node = "node-" + t;
                    Callable<Integer> worker = () -> {
                        go.await();
                        int mine = 0;
                        for (Optional<Change> c = store.claimNext(node, T0, LEASE);
                                c.isPresent();
                                c = store.claimNext(node, T0, LEASE)) {
                            claimed.add(c.get().job().id());
                            mine++;
                        }
                        return mine;
                    };
                    workers.add(threads.submit(worker));
                }
                go.countDown();
                int total = 0;
                for (Future<Integer> w : workers) {
                    total += w.get(50, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(20);
            } finally {
                threads.shutdownNow();
            }

            assertThat(claimed).hasSize(20).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(queued);
            for (JobId id : queued) {
                assertThat(allEvents(id))
                        .extracting(JobEvent::state)
                        .containsExactly(JobState.QUEUED, JobState.RUNNING);
            }
        }

        @Test
        void expiredLeasesAreRunningJobsWhoseLeaseRanOutByTheDatabasesClock() {
            Job live = submitted("alice", T0);
            Job expired = submitted("alice", T0.plusMillis(1));
            Job expiredButFinished = submitted("alice", T0.plusMillis(2));
            store.claimNext("node-1", T0, LEASE);
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-2", T0, EXPIRED);
            store.update(expiredButFinished.id(), T0, j -> Optional.of(j.succeed(Map.of(), T0)));
            submitted("alice", T0.plusMillis(4));

            assertThat(store.expiredLeases(100)).containsExactly(expired.id());
            assertThat(live.id()).isNotIn(store.expiredLeases(100));
        }

        @Test
        void runningOnListsANodesRunningJobs() {
            Job first = submitted("alice", T0);
            Job second = submitted("alice", T0.plusMillis(1));
            Job finished = submitted("alice", T0.plusMillis(2));
            store.claimNext("node-1", T0, LEASE);
            store.claimNext("node-2", T0, LEASE);
            store.claimNext("node-1", T0, LEASE);
            store.update(finished.id(), T0, j -> Optional.of(j.succeed(Map.of(), T0)));

            assertThat(store.runningOn("node-1")).containsExactly(first.id());
            assertThat(store.runningOn("node-2")).containsExactly(second.id());
            assertThat(store.find(second.id()).orElseThrow().node()).isEqualTo("node-2");
        }

        @Test
        void updateOrphanChangesAJobOnlyWhileItIsStillOrphaned() {
            Job expired = submitted("alice", T0);
            Job live = submitted("alice", T0.plusMillis(1));
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-2", T0, LEASE);
            Instant later = T0.plusSeconds(10);

            Change requeued = store.updateOrphan(
                            expired.id(), Optional.empty(), later, j -> Optional.of(j.interrupt("node gone", 3, later)))
                    .orElseThrow();
            Optional<Change> again = store.updateOrphan(
                    expired.id(), Optional.empty(), later, j -> Optional.of(j.interrupt("node gone", 3, later)));
            Optional<Change> notOrphaned = store.updateOrphan(
                    live.id(), Optional.empty(), later, j -> Optional.of(j.interrupt("node gone", 3, later)));

            assertThat(requeued.job().state()).isEqualTo(JobState.QUEUED);
            assertThat(requeued.event())
                    .hasValueSatisfying(e -> assertThat(e.seq()).isEqualTo(3));
            assertThat(again).as("already re-queued by another node").isEmpty();
            assertThat(notOrphaned).as("its lease is still valid").isEmpty();
            assertThat(store.updateOrphan(
                            live.id(),
                            Optional.of("node-2"),
                            later,
                            j -> Optional.of(j.interrupt("node restarted", 1, later))))
                    .as("the node's own, at its start-up")
                    .hasValueSatisfying(c -> assertThat(c.job().error().kind()).isEqualTo("interrupted"));
        }

        @Test
        void theAttemptAndTheNodeAreStoredWithEachClaim() {
            Job job = submitted("alice", T0);
            assertThat(store.find(job.id()).orElseThrow().attempt()).isZero();
            assertThat(store.find(job.id()).orElseThrow().node()).isNull();
            store.claimNext("node-1", T0, EXPIRED);
            store.updateOrphan(
                    job.id(),
                    Optional.empty(),
                    T0.plusSeconds(10),
                    j -> Optional.of(j.interrupt("node gone", 3, T0.plusSeconds(10))));

            Change second = store.claimNext("node-2", T0.plusSeconds(11), LEASE).orElseThrow();

            assertThat(second.job().attempt()).isEqualTo(2);
            assertThat(second.job().node()).isEqualTo("node-2");
            assertThat(store.find(job.id()).orElseThrow().attempt()).isEqualTo(2);
            assertThat(allEvents(job.id()))
                    .extracting(JobEvent::state)
                    .containsExactly(JobState.QUEUED, JobState.RUNNING, JobState.QUEUED, JobState.RUNNING);
        }

        @Test
        void renewLeasesExtendsTheNodesOwnRunsAndAnswersTheRunsItLost() {
            Job renewed = submitted("alice", T0);
            Job notMine = submitted("alice", T0.plusMillis(1));
            Job recovered = submitted("alice", T0.plusMillis(2));
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-3", T0, EXPIRED);
            store.claimNext("node-2", T0, EXPIRED);
            store.updateOrphan(
                    recovered.id(),
                    Optional.empty(),
                    T0.plusSeconds(10),
                    j -> Optional.of(j.interrupt("node gone", 3, T0.plusSeconds(10))));

            Set<JobId> lost = store.renewLeases(
                    "node-2", Map.of(renewed.id(), 1, notMine.id(), 1, recovered.id(), 1), Duration.ofMinutes(2));

            assertThat(lost).containsExactlyInAnyOrder(notMine.id(), recovered.id());
            assertThat(store.renewLeases("node-2", Map.of(), LEASE)).isEmpty();
            assertThat(store.renewLeases("node-2", Map.of(renewed.id(), 2), LEASE))
                    .as("another attempt of the same job is not this run")
                    .containsExactly(renewed.id());
            assertThat(store.expiredLeases(100)).containsExactly(notMine.id());
        }

        @Test
        void renewLeasesInChunksAnswersTheRunsLostInEveryChunk() {
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(submitted("alice", T0.plusMillis(i)));
            }
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-3", T0, EXPIRED);
            store.claimNext("node-2", T0, EXPIRED);
            store.claimNext("node-2", T0, EXPIRED);
            Map<JobId, Integer> runs = new LinkedHashMap<>();
            jobs.forEach(job -> runs.put(job.id(), 1));
            JobId unknown = JobId.random();
            runs.put(unknown, 1);

            Set<JobId> lost = store.renewLeases("node-2", runs, Duration.ofMinutes(2), 2);

            assertThat(lost).containsExactlyInAnyOrder(jobs.get(2).id(), unknown);
            assertThat(store.expiredLeases(100))
                    .as("the four runs of node-2 renewed across three transactions")
                    .containsExactly(jobs.get(2).id());
        }

        @Test
        void cancelRequestedListsTheNodesRunningJobsAskedToStop() {
            Job asked = submitted("alice", T0);
            Job notAsked = submitted("alice", T0.plusMillis(1));
            Job elsewhere = submitted("alice", T0.plusMillis(2));
            store.claimNext("node-1", T0, LEASE);
            store.claimNext("node-1", T0, LEASE);
            store.claimNext("node-2", T0, LEASE);
            store.update(asked.id(), T0, j -> Optional.of(j.requestCancel()));
            store.update(elsewhere.id(), T0, j -> Optional.of(j.requestCancel()));

            assertThat(store.cancelRequested("node-1")).containsExactly(asked.id());
            assertThat(notAsked.id()).isNotIn(store.cancelRequested("node-1"));
        }

        @Test
        void latestSeqsAnswersTheNewestSeqOfEachExistingJob() {
            Job job = jobWithSixEvents();
            Job queued = submitted("alice", T0.plusMillis(1));
            List<JobId> many = new ArrayList<>(List.of(job.id(), queued.id()));
            for (int i = 0; i < 1200; i++) {
                many.add(JobId.random());
            }

            assertThat(store.latestSeqs(many)).containsOnly(Map.entry(job.id(), 6L), Map.entry(queued.id(), 1L));
        }

        // ---- external jobs

        @Test
        void claimNextNeverClaimsAnExternalJob() {
            Job external = submittedExternal(T0, LEASE);
            Job handled = submitted("alice", T0.plusMillis(1));

            assertThat(store.claimNext("node-1", T0.plusSeconds(1), LEASE)
                            .orElseThrow()
                            .job()
                            .id())
                    .isEqualTo(handled.id());
            assertThat(store.claimNext("node-1", T0.plusSeconds(1), LEASE)).isEmpty();
            assertThat(store.find(external.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
            assertThat(allEvents(external.id())).hasSize(1);
        }

        @Test
        void anExternalJobRoundTripsAsExternalAndNeedsAHeartbeat() {
            Job external = submittedExternal(T0, LEASE);

            assertThat(store.find(external.id())).contains(external);
            assertThat(store.find(external.id()).orElseThrow().external()).isTrue();
            assertThatThrownBy(() -> store.submit(anExternalJob(T0), Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.submitExternal(aQueuedJob("alice", T0), Optional.empty(), LEASE))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void reportsMoveAnExternalJobToRunningThenStoreProgressThenItsEndEachAsOneEvent() {
            Job job = submittedExternal(T0, LEASE);

            ReportOutcome first = report(job, 1, new Report.ProgressMade(new Progress(1, 3, "one")), T0.plusMillis(10));
            ReportOutcome second =
                    report(job, 2, new Report.ProgressMade(new Progress(2, 3, "two")), T0.plusMillis(20));
            ReportOutcome heartbeat = report(job, 3, new Report.Heartbeat(), T0.plusMillis(25));
            ReportOutcome end = report(job, 4, new Report.Succeeded(Map.of("rows", 3L)), T0.plusMillis(30));

            assertThat(first).isInstanceOf(ReportOutcome.Accepted.class);
            assertThat(((ReportOutcome.Accepted) first).events())
                    .extracting(JobEvent::seq, JobEvent::kind, JobEvent::state)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(2L, EventKind.STATE, JobState.RUNNING),
                            org.assertj.core.groups.Tuple.tuple(3L, EventKind.PROGRESS, JobState.RUNNING));
            assertThat(((ReportOutcome.Accepted) heartbeat).events()).isEmpty();
            assertThat(second.job().seq()).isEqualTo(4);
            assertThat(end.job().state()).isEqualTo(JobState.SUCCEEDED);
            List<JobEvent> events = allEvents(job.id());
            assertThat(events).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(events)
                    .extracting(JobEvent::state)
                    .containsExactly(
                            JobState.QUEUED, JobState.RUNNING, JobState.RUNNING, JobState.RUNNING, JobState.SUCCEEDED);
            assertThat(events.get(4).result()).isEqualTo(Map.of("rows", 3L));
            assertThat(events.get(4).progress()).isEqualTo(new Progress(2, 3, "two"));
            Job stored = store.find(job.id()).orElseThrow();
            assertThat(stored).isEqualTo(end.job());
            assertThat(stored.node()).isNull();
            assertThat(stored.attempt()).isEqualTo(1);
            assertThat(stored.startedAt()).isEqualTo(T0.plusMillis(10));
        }

        @Test
        void reportsOfSeveralJobsShareOneCommitAndEachIsJudgedAfterTheOnesBeforeIt() {
            Job a = submittedExternal(T0, LEASE);
            Job b = submittedExternal(T0, LEASE);
            Job gone = anExternalJob(T0); // never stored
            Instant at = T0.plusMillis(10);

            List<Optional<ReportOutcome>> outcomes = store.reportAll(List.of(
                    request(a, 1, new Report.ProgressMade(new Progress(1, 3, "a1")), at),
                    request(b, 1, new Report.ProgressMade(new Progress(1, 2, "b1")), at),
                    request(a, 2, new Report.ProgressMade(new Progress(2, 3, "a2")), at),
                    request(a, 2, new Report.ProgressMade(new Progress(2, 3, "a2")), at),
                    request(a, 1, new Report.ProgressMade(new Progress(1, 3, "a1 late")), at),
                    request(gone, 1, new Report.Heartbeat(), at),
                    request(b, 2, new Report.Succeeded(Map.of("rows", 2L)), at),
                    request(b, 3, new Report.Heartbeat(), at)));

            assertThat(outcomes)
                    .extracting(o -> o.map(x -> x.getClass().getSimpleName()).orElse("none"))
                    .containsExactly(
                            "Accepted", "Accepted", "Accepted", "Repeated", "OutOfOrder", "none", "Accepted", "Ended");
            assertThat(outcomes.get(2).orElseThrow().job().seq()).isEqualTo(4);
            assertThat(((ReportOutcome.OutOfOrder) outcomes.get(4).orElseThrow()).lastId())
                    .isEqualTo(2);
            assertThat(allEvents(a.id()))
                    .extracting(e -> e.state() + " " + e.progress().message())
                    .containsExactly("QUEUED ", "RUNNING ", "RUNNING a1", "RUNNING a2");
            assertThat(allEvents(b.id()))
                    .extracting(e -> e.state() + " " + e.progress().message())
                    .containsExactly("QUEUED ", "RUNNING ", "RUNNING b1", "SUCCEEDED b1");
            Job storedA = store.find(a.id()).orElseThrow();
            assertThat(storedA.seq()).isEqualTo(4);
            assertThat(storedA.lastReportAt()).isNotNull();
            assertThat(store.find(b.id()).orElseThrow().result()).isEqualTo(Map.of("rows", 2L));
            // the last accepted id of a is 2: a retry of it is a repeat, 3 is new
            assertThat(report(a, 2, new Report.Heartbeat(), T0.plusMillis(20)))
                    .isInstanceOf(ReportOutcome.Repeated.class);
            assertThat(report(a, 3, new Report.Heartbeat(), T0.plusMillis(20)))
                    .isInstanceOf(ReportOutcome.Accepted.class);
        }

        /** The database's clock, read in a transaction of its own. */
        Instant databaseNow() throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                return JdbcJobStore.databaseNow(c);
            }
        }

        ReportRequest request(Job job, long id, Report.Content content, Instant at) {
            return new ReportRequest(job.id(), new Report(OptionalLong.of(id), content), at, j -> LEASE);
        }

        @Test
        void everyReportABareHeartbeatAndARetryTooRecordsWhenTheWorkerWasLastHeardFromByTheDatabaseClock()
                throws SQLException {
            Job job = submittedExternal(T0, LEASE);
            assertThat(store.find(job.id()).orElseThrow().lastReportAt()).isNull();

            Instant before = databaseNow();
            Job first = report(job, 1, new Report.ProgressMade(new Progress(1, 3, "one")), T0.plusMillis(10))
                    .job();
            Job heartbeat =
                    report(job, 2, new Report.Heartbeat(), T0.plusMillis(20)).job();
            Job retried =
                    report(job, 2, new Report.Heartbeat(), T0.plusMillis(30)).job();
            Instant after = databaseNow();

            // the database's time, not the report's (T0, a year earlier)
            assertThat(first.lastReportAt()).isBetween(before, after);
            assertThat(retried.lastReportAt()).isBetween(before, after);
            assertThat(heartbeat.lastReportAt()).isAfterOrEqualTo(first.lastReportAt());
            assertThat(retried.lastReportAt()).isAfterOrEqualTo(heartbeat.lastReportAt());
            assertThat(store.find(job.id()).orElseThrow()).isEqualTo(retried);
            assertThat(heartbeat.seq()).isEqualTo(first.seq());
        }

        @Test
        void theLastAcceptedIdAgainIsARepeatAndASmallerOneIsOutOfOrderAndNeitherChangesAnything() {
            Job job = submittedExternal(T0, LEASE);
            report(job, 5, new Report.ProgressMade(new Progress(5, 10, "five")), T0.plusMillis(10));
            Job before = store.find(job.id()).orElseThrow();

            ReportOutcome repeat =
                    report(job, 5, new Report.ProgressMade(new Progress(6, 10, "six")), T0.plusMillis(20));
            ReportOutcome stale =
                    report(job, 4, new Report.ProgressMade(new Progress(4, 10, "four")), T0.plusMillis(30));

            Job after = store.find(job.id()).orElseThrow();
            assertThat(after)
                    .usingRecursiveComparison()
                    .ignoringFields("lastReportAt")
                    .isEqualTo(before);
            assertThat(after.lastReportAt()).isAfterOrEqualTo(before.lastReportAt());
            assertThat(repeat).isEqualTo(new ReportOutcome.Repeated(after));
            assertThat(stale).isEqualTo(new ReportOutcome.OutOfOrder(after, 5));
            assertThat(allEvents(job.id())).hasSize(3);
            assertThat(report(job, 6, new Report.ProgressMade(new Progress(6, 10, "six")), T0.plusMillis(40))
                            .job()
                            .seq())
                    .isEqualTo(4);
        }

        @Test
        void aReportWithoutAnIdIsAppliedAndKeepsTheLastAcceptedId() {
            Job job = submittedExternal(T0, LEASE);
            report(job, 3, new Report.Heartbeat(), T0.plusMillis(10));

            ReportOutcome unnumbered = store.report(
                            job.id(),
                            new Report(OptionalLong.empty(), new Report.ProgressMade(new Progress(1, 2, ""))),
                            T0.plusMillis(20),
                            j -> LEASE)
                    .orElseThrow();

            assertThat(unnumbered).isInstanceOf(ReportOutcome.Accepted.class);
            assertThat(report(job, 2, new Report.Heartbeat(), T0.plusMillis(30)))
                    .isInstanceOf(ReportOutcome.OutOfOrder.class);
        }

        @Test
        void anEndedJobTakesNoReportButTheRepeatOfItsLastOneIsStillARepeat() {
            Job job = submittedExternal(T0, LEASE);
            report(job, 1, new Report.Succeeded(Map.of()), T0.plusMillis(10));
            Job ended = store.find(job.id()).orElseThrow();
            Job cancelled = submittedExternal(T0.plusMillis(1), LEASE);
            store.update(cancelled.id(), T0, j -> Optional.of(j.cancel(T0)));

            assertThat(report(job, 1, new Report.Succeeded(Map.of()), T0.plusMillis(20)))
                    .isEqualTo(new ReportOutcome.Repeated(ended));
            assertThat(report(job, 2, new Report.Heartbeat(), T0.plusMillis(20)))
                    .isEqualTo(new ReportOutcome.Ended(ended));
            assertThat(report(cancelled, 1, new Report.Heartbeat(), T0.plusMillis(20)))
                    .isInstanceOf(ReportOutcome.Ended.class)
                    .satisfies(o -> assertThat(o.job().state()).isEqualTo(JobState.CANCELLED));
            assertThat(allEvents(job.id())).hasSize(3);
        }

        @Test
        void aJobThatIsNotExternalOrDoesNotExistTakesNoReport() {
            Job handled = submitted("alice", T0);

            assertThat(report(handled, 1, new Report.Heartbeat(), T0))
                    .isEqualTo(new ReportOutcome.NotExternal(handled));
            assertThat(store.report(
                            JobId.random(), new Report(OptionalLong.of(1), new Report.Heartbeat()), T0, j -> LEASE))
                    .isEmpty();
            assertThat(allEvents(handled.id())).hasSize(1);
        }

        @Test
        void silentExternalJobsAreTheQueuedOrRunningOnesPastTheirHeartbeatDeadlineByTheDatabasesClock() {
            Job neverReported = submittedExternal(T0, EXPIRED);
            Job wentSilent = submittedExternal(T0.plusMillis(1), LEASE);
            store.report(wentSilent.id(), new Report(OptionalLong.of(1), new Report.Heartbeat()), T0, j -> EXPIRED);
            Job alive = submittedExternal(T0.plusMillis(2), LEASE);
            Job ended = submittedExternal(T0.plusMillis(3), EXPIRED);
            store.update(ended.id(), T0, j -> Optional.of(j.cancel(T0)));
            Job handledAndExpired = submitted("alice", T0.plusMillis(4));
            store.claimNext("node-1", T0, EXPIRED);

            assertThat(store.silentExternalJobs(100)).containsExactlyInAnyOrder(neverReported.id(), wentSilent.id());
            assertThat(store.expiredLeases(100))
                    .as("external jobs are not leased")
                    .containsExactly(handledAndExpired.id());
            assertThat(alive.id()).isNotIn(store.silentExternalJobs(100));
            assertThat(store.updateOrphan(
                            wentSilent.id(), Optional.empty(), T0, j -> Optional.of(j.interrupt("gone", 1, T0))))
                    .as("the lease sweep leaves external jobs alone")
                    .isEmpty();
        }

        @Test
        void updateSilentEndsAJobOnlyWhileItIsStillSilent() {
            Job silent = submittedExternal(T0, EXPIRED);
            Job alive = submittedExternal(T0.plusMillis(1), LEASE);
            Instant later = T0.plusSeconds(90);
            java.util.function.Function<Job, Optional<Job>> lost =
                    j -> Optional.of(j.fail(new JobError(JobError.WORKER_LOST, "silent"), later));

            Change failed = store.updateSilent(silent.id(), later, lost).orElseThrow();

            assertThat(failed.job().state()).isEqualTo(JobState.FAILED);
            assertThat(failed.event()).hasValueSatisfying(e -> {
                assertThat(e.seq()).isEqualTo(2);
                assertThat(e.error().kind()).isEqualTo(JobError.WORKER_LOST);
            });
            assertThat(store.updateSilent(silent.id(), later, lost))
                    .as("already ended")
                    .isEmpty();
            assertThat(store.updateSilent(alive.id(), later, lost))
                    .as("its deadline is ahead")
                    .isEmpty();
            assertThat(store.silentExternalJobs(100)).isEmpty();
        }

        ReportOutcome report(Job job, long id, Report.Content content, Instant at) {
            return store.report(job.id(), new Report(OptionalLong.of(id), content), at, j -> LEASE)
                    .orElseThrow();
        }

        Job submittedExternal(Instant createdAt, Duration heartbeat) {
            Job job = anExternalJob(createdAt);
            assertThat(store.submitExternal(job, Optional.empty(), heartbeat))
                    .isInstanceOf(SubmitOutcome.Created.class);
            return job;
        }

        // ---- helpers

        Job submitted(String owner, Instant createdAt) {
            Job job = aQueuedJob(owner, createdAt);
            assertThat(store.submit(job, Optional.empty())).isInstanceOf(SubmitOutcome.Created.class);
            return job;
        }

        /** A job with events 1..6: QUEUED, RUNNING, three PROGRESS, SUCCEEDED. */
        Job jobWithSixEvents() {
            Job job = submitted("alice", T0);
            store.claimNext("node-1", T0, LEASE);
            for (int i = 1; i <= 3; i++) {
                Progress p = new Progress(i, 3, "step " + i);
                assertThat(store.update(job.id(), T0.plusMillis(i), j -> j.report(p)))
                        .isPresent();
            }
            store.update(job.id(), T0.plusMillis(9), j -> Optional.of(j.succeed(Map.of(), T0.plusMillis(9))));
            return job;
        }

        List<JobEvent> allEvents(JobId id) {
            return store.eventsAfter(id, 0, Long.MAX_VALUE, 10_000);
        }

        long countRows(String table) {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Job anExternalJob(Instant createdAt) {
        return Job.submitExternal(
                JobId.random(), "external", "a worker's job", "alice", Map.of("any", true), createdAt);
    }

    static Job aQueuedJob(String owner, Instant createdAt) {
        return Job.submit(JobId.random(), "steps", "a job", owner, Map.of("count", 3L), createdAt);
    }
}
