package io.jobpulse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2, opened as JobPulse opens it, under the kind of writes progress makes (each commit updates rows of
 * running jobs and appends their events): without compaction its file grows with every commit, and keeps every dead
 * chunk; with {@link EmbeddedH2Compaction} between commits it stays a fraction of that. (The retention of old chunks is
 * set to 0 here, so that the test needs no wait for chunks to age.)
 */
class EmbeddedH2CompactionTest {

    private static final int JOBS = 1000;
    private static final int COMMITS = 300;
    private static final int ROWS_PER_COMMIT = 100;

    @TempDir
    Path dir;

    @Test
    void compactionKeepsTheFileAFractionOfWhatTheSameWritesGrowItToWithout() throws Exception {
        long without = fileAfterWrites(dir.resolve("without"), false);
        long with = fileAfterWrites(dir.resolve("with"), true);

        assertThat(with)
                .as("file bytes with compaction, against %d without", without)
                .isLessThan(without / 3);
    }

    @Test
    void compactionOfAClosedDatabaseReportsNothingToCompact() throws Exception {
        EmbeddedPool pool = Database.openEmbedded(dir.resolve("closed"));
        EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool);
        assertThat(compaction.compactOnce()).isTrue();
        pool.close();

        assertThat(compaction.compactOnce()).isFalse();
    }

    private static long fileAfterWrites(Path dataDir, boolean compact) throws Exception {
        EmbeddedPool pool = Database.openEmbedded(dataDir);
        EmbeddedH2Compaction compaction = new EmbeddedH2Compaction(pool);
        try {
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SET RETENTION_TIME 0");
                s.execute("CREATE TABLE job(id INT PRIMARY KEY, done BIGINT, message VARCHAR(200))");
                s.execute("CREATE TABLE event(job INT, seq BIGINT, payload VARCHAR(300), PRIMARY KEY(job, seq))");
                s.execute("INSERT INTO job SELECT X, 0, 'queued' FROM SYSTEM_RANGE(1, " + JOBS + ")");
            }
            Random random = new Random(42);
            long[] seq = new long[JOBS + 1];
            for (int commit = 0; commit < COMMITS; commit++) {
                try (Connection c = pool.getConnection();
                        PreparedStatement update =
                                c.prepareStatement("UPDATE job SET done = ?, message = ? WHERE id = ?");
                        PreparedStatement insert = c.prepareStatement("INSERT INTO event VALUES (?, ?, ?)")) {
                    c.setAutoCommit(false);
                    for (int row = 0; row < ROWS_PER_COMMIT; row++) {
                        int job = 1 + random.nextInt(JOBS);
                        long next = ++seq[job];
                        update.setLong(1, next);
                        update.setString(2, "row " + next + " of job " + job);
                        update.setInt(3, job);
                        update.addBatch();
                        insert.setInt(1, job);
                        insert.setLong(2, next);
                        insert.setString(
                                3, "{\"done\":" + next + ",\"total\":1000000,\"message\":\"row " + next + "\"}");
                        insert.addBatch();
                    }
                    update.executeBatch();
                    insert.executeBatch();
                    c.commit();
                }
                if (compact) {
                    assertThat(compaction.compactOnce()).isTrue();
                }
            }
            return Files.size(dataDir.resolve("jobpulse.mv.db"));
        } finally {
            pool.close();
        }
    }
}
