package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.job.JobState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's listing of every client's jobs ({@link JdbcJobListing}) on both databases, migrated (V6 included):
 * filters combined, keyset pages with no job twice or missed, and the bounded name search that walks its window down
 * to the oldest job, with LIKE's wildcards taken literally.
 */
class JdbcJobListingTest {

    private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");
    /** A small window, so that a search crosses several with a few jobs. */
    private static final int WINDOW = 7;

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
    }

    @Nested
    @DisplayName("on PostgreSQL (embedded binaries)")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgreSQL extends Contract {

        private TestPostgres postgres;

        @BeforeAll
        void startPostgres() {
            postgres = TestPostgres.startOrAbort("listing_");
        }

        @AfterAll
        void stopPostgres() throws Exception {
            if (postgres != null) {
                postgres.close();
            }
        }

        @Override
        DataSource openMigratedDatabase() throws Exception {
            return postgres.migratedDatabase();
        }
    }

    abstract static class Contract {

        JdbcJobStore store;
        JdbcJobListing listing;

        /** A database of the test's own with JobPulse's schema ({@link Database#migrate}). */
        abstract DataSource openMigratedDatabase() throws Exception;

        @BeforeEach
        void migrate() throws Exception {
            DataSource dataSource = openMigratedDatabase();
            store = new JdbcJobStore(dataSource);
            listing = new JdbcJobListing(dataSource, WINDOW);
        }

        @Test
        void listsEveryOwnersJobsNewestFirstInPagesThatMissAndRepeatNothing() {
            List<Job> submitted = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                submitted.add(submit(i % 2 == 0 ? "alice" : "bob", "steps", "job " + i, T0.plusSeconds(i)));
            }

            List<List<Job>> pages = walk(JobFilter.NONE, 10);

            assertThat(pages).extracting(List::size).containsExactly(10, 10, 5);
            assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(reversed(submitted));
        }

        @Test
        void filtersCombineWithAnd() {
            Job aliceSteps = submit("alice", "steps", "a", T0);
            Job aliceExternal = submit("alice", "external", "b", T0.plusSeconds(10));
            Job bobSteps = submit("bob", "steps", "c", T0.plusSeconds(20));
            Job bobCancelled = store.update(
                            submit("bob", "steps", "d", T0.plusSeconds(30)).id(),
                            T0.plusSeconds(31),
                            job -> Optional.of(job.cancel(T0.plusSeconds(31))))
                    .orElseThrow()
                    .job();

            assertThat(all(filter(Optional.of(JobState.CANCELLED), null, null, null, null, null)))
                    .containsExactly(bobCancelled);
            assertThat(all(filter(Optional.of(JobState.QUEUED), "steps", null, null, null, null)))
                    .containsExactly(bobSteps, aliceSteps);
            assertThat(all(filter(Optional.empty(), "steps", "bob", null, null, null)))
                    .containsExactly(bobCancelled, bobSteps);
            assertThat(all(filter(Optional.empty(), null, "alice", T0.plusSeconds(10), null, null)))
                    .as("from is inclusive")
                    .containsExactly(aliceExternal);
            assertThat(all(filter(Optional.empty(), null, null, T0.plusSeconds(10), T0.plusSeconds(30), null)))
                    .as("to is exclusive")
                    .containsExactly(bobSteps, aliceExternal);
            assertThat(all(filter(Optional.empty(), "external", "bob", null, null, null)))
                    .isEmpty();
        }

        @Test
        void aNameSearchIgnoresCaseWalksItsWindowsDownToTheOldestJobAndTakesWildcardsLiterally() {
            List<Job> nightly = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Job job = submit("alice", "steps", i % 3 == 0 ? "Nightly Export " + i : "other " + i, T0);
                if (i % 3 == 0) {
                    nightly.add(job);
                }
            }
            Job percent = submit("bob", "steps", "50% done_x", T0);
            submit("bob", "steps", "500 done", T0);

            List<List<Job>> pages = walk(filter(Optional.empty(), null, null, null, null, "nightly EXP"), 4);

            assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(reversed(nightly));
            assertThat(pages).allMatch(page -> page.size() <= 4);
            assertThat(pages.size())
                    .as("a window of " + WINDOW + " rows per page: 32 rows take at least 5 pages")
                    .isGreaterThanOrEqualTo(5);
            assertThat(all(filter(Optional.empty(), null, null, null, null, "50%")))
                    .containsExactly(percent);
            assertThat(all(filter(Optional.empty(), null, null, null, null, "0% done_")))
                    .containsExactly(percent);
            assertThat(all(filter(Optional.empty(), "external", null, null, null, "nightly")))
                    .isEmpty();
        }

        @Test
        void anEmptyStoreHasOneEmptyPage() {
            assertThat(listing.list(JobFilter.NONE, 5, Optional.empty()))
                    .isEqualTo(new JobPage(List.of(), Optional.empty()));
            assertThat(listing.list(filter(Optional.empty(), null, null, null, null, "x"), 5, Optional.empty()))
                    .isEqualTo(new JobPage(List.of(), Optional.empty()));
        }

        private Job submit(String owner, String type, String name, Instant at) {
            Job job = type.equals("external")
                    ? Job.submitExternal(JobId.random(), type, name, owner, Map.of(), at)
                    : Job.submit(JobId.random(), type, name, owner, Map.of("count", 3L), at);
            if (job.external()) {
                store.submitExternal(job, Optional.empty(), java.time.Duration.ofMinutes(5));
            } else {
                store.submit(job, Optional.empty());
            }
            return job;
        }

        /** Every page from the first, following the cursors (at most 100 pages). */
        private List<List<Job>> walk(JobFilter filter, int size) {
            List<List<Job>> pages = new ArrayList<>();
            Optional<Long> cursor = Optional.empty();
            do {
                JobPage page = listing.list(filter, size, cursor);
                pages.add(page.jobs());
                cursor = page.nextCursor();
            } while (cursor.isPresent() && pages.size() < 100);
            assertThat(cursor).as("the walk ended").isEmpty();
            return pages;
        }

        private List<Job> all(JobFilter filter) {
            return walk(filter, 100).stream().flatMap(List::stream).toList();
        }

        private static JobFilter filter(
                Optional<JobState> state, String type, String owner, Instant from, Instant to, String name) {
            return new JobFilter(
                    state,
                    Optional.ofNullable(type),
                    Optional.ofNullable(owner),
                    Optional.ofNullable(from),
                    Optional.ofNullable(to),
                    Optional.ofNullable(name));
        }

        private static List<Job> reversed(List<Job> jobs) {
            List<Job> copy = new ArrayList<>(jobs);
            java.util.Collections.reverse(copy);
            return copy;
        }
    }
}
