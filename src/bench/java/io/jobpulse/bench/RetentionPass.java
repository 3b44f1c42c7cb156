package io.jobpulse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The retention pass (issue 14; docs/performance.md, "Retention"): runs the tests' data generator
 * {@code io.jobpulse.store.RetentionVolume} in a process of its own on the test classpath (it starts its own embedded
 * PostgreSQL), which loads {@code bench.retention-jobs} (1 000) ended jobs of {@code bench.retention-events} (1 000)
 * events twice with COPY, compacts the first million and deletes the second through the sweeper's batches, and writes
 * {@code retention.json} and {@code retention.md} beside the other results. {@code -Dbench.retention=none} skips it.
 */
final class RetentionPass {

    /** About what the pass takes on the 2-core machine, with slack; the fan-out leaves this much for it. */
    static final int RESERVE_SECONDS = 300;

    private final BenchMain bench;
    private final Map<String, String> props;
    private final Path out;

    RetentionPass(BenchMain bench, Map<String, String> props, Path out) {
        this.bench = bench;
        this.props = props;
        this.out = out;
    }

    static boolean selected(Map<String, String> props) {
        String on = props.getOrDefault("bench.retention", "postgres").trim();
        return !on.isEmpty() && !on.equals("none");
    }

    void run() throws Exception {
        String classpath = props.get("bench.postgres-classpath");
        String mainClasses = props.get("bench.main-classes");
        if (classpath == null || classpath.isBlank() || mainClasses == null || mainClasses.isBlank()) {
            BenchMain.warn("SKIPPED the retention pass: bench.postgres-classpath or bench.main-classes is not set"
                    + " (run through mvn -Pbench)");
            return;
        }
        String jobs = props.getOrDefault("bench.retention-jobs", "1000");
        String events = props.getOrDefault("bench.retention-events", "1000");
        BenchMain.log("retention pass: " + jobs + " ended jobs x " + events + " events, twice, on PostgreSQL");
        Files.deleteIfExists(out.resolve("retention.json"));
        Process p = bench.start(
                "retention",
                List.of(
                        BenchMain.javaBin(),
                        "-Xmx512m",
                        "-cp",
                        mainClasses + java.io.File.pathSeparator + classpath,
                        "io.jobpulse.store.RetentionVolume",
                        out.toString(),
                        jobs,
                        events),
                Map.of());
        long limit = (long) Math.max(60, bench.remainingSeconds());
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            BenchMain.warn("the retention pass did not end within " + limit + " s: no retention figures");
            return;
        }
        if (p.exitValue() != 0 || !Files.exists(out.resolve("retention.md"))) {
            BenchMain.warn("the retention pass failed (exit " + p.exitValue() + "): see logs/retention.log");
            return;
        }
        BenchMain.log("retention pass:\n" + Files.readString(out.resolve("retention.md")));
    }
}
