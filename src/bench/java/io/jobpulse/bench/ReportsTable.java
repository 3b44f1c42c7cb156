package io.jobpulse.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reports section of {@code summary.md} (issue 13): per container and rate, external jobs reported over REST by
 * the load client's workers beside handlers' jobs at the same rate, medians (min-max) over the repetitions.
 */
final class ReportsTable {

    /** The targets, at 10 reports a second per job: answer p99 and view age p99, in ms. */
    static final double ANSWER_P99_TARGET_MS = 100;

    static final double VIEW_AGE_P99_TARGET_MS = 250;

    /** What the table's rows and columns are, above it. */
    private static final String EXPLANATION = "`handlers`: jobs of the type `steps` reporting progress `rate` times a "
            + "second on the server (the overload workload). `reports`: jobs of the type `external`, each reported "
            + "`rate` times a second over REST (HTTP/1.1 keep-alive) by a sequential worker of the load client, which "
            + "sends its next report only once the last was answered (a report due meanwhile is not sent: \"worker "
            + "still waiting\"). Answer: send to answer, at the client. View age: at the end of the window, now minus "
            + "the `at` of the newest progress each watcher holds (includes up to one report interval). Load client's "
            + "lag: how late the load client's one reporting thread sent its most overdue report, its own wait for a "
            + "CPU (or work); an answer's time can include as much, since the answer waits for that thread to read "
            + "it. Targets at 10 per job: no 5xx, answer p99 under " + (int) ANSWER_P99_TARGET_MS + " ms, view age "
            + "p99 under " + (int) VIEW_AGE_P99_TARGET_MS + " ms. Where reports saturate: the highest reports "
            + "answered 2xx / s of the rates tried. Runs meeting the targets: the runs that answered every report, "
            + "none 5xx, with both p99s under their targets; counted at every rate, so that the rate where a node "
            + "stops meeting them shows (each run's figures are in results.jsonl).";

    private static final String[][] COLUMNS = {
        {"overloadOfferedPerSecond", "progress offered / s"},
        {"reportsOkPerSecond", "reports answered 2xx / s"},
        {"reportsAnswerP50Ms", "answer p50 (ms)"},
        {"reportsAnswerP99Ms", "p99"},
        {"reportsAnswerMaxMs", "max"},
        {"reportsSendLagMaxMs", "load client's lag, max (ms)"},
        {"reports5xx", "5xx"},
        {"reports429", "429"},
        {"reportsNoAnswer", "no answer"},
        {"reportsBehind", "not sent: worker still waiting"},
        {"jobsReporting", "jobs seen reporting"},
        {"overloadDeliveriesPerSecond", "deliveries / s"},
        {"viewAgeP50Ms", "view age p50 (ms)"},
        {"viewAgeP99Ms", "p99"},
        {"overloadServerCpuMicrosPerDelivery", "server CPU / delivery (µs)"},
        {"terminalMissing", "terminal events missing"},
    };

    private final List<Map<String, Object>> runs;

    ReportsTable(List<Map<String, Object>> runs) {
        this.runs = runs;
    }

    /** A row: server and store, rate, workload. */
    private static String key(Map<String, Object> r) {
        return r.get("server") + " · " + r.getOrDefault("store", "h2") + "\t" + r.get("ratePerJob") + "\t"
                + r.get("mode");
    }

    private static String whole(Object number) {
        return number instanceof Number n ? Long.toString(Math.round(n.doubleValue())) : String.valueOf(number);
    }

    String markdown() {
        if (runs.isEmpty()) {
            return "";
        }
        Map<String, Object> first = runs.get(0);
        StringBuilder md = new StringBuilder("\n## Reports of external jobs beside handlers' progress: ")
                .append(whole(first.get("jobs")))
                .append(" jobs, ")
                .append(whole(first.get("n")))
                .append(" watchers, ")
                .append(whole(first.get("windowSeconds")))
                .append(" s measured per run\n\n");
        md.append(EXPLANATION).append("\n\n| server · store | workload | rate / job | runs |");
        for (String[] c : COLUMNS) {
            md.append(' ').append(c[1]).append(" |");
        }
        md.append(" runs meeting the targets |\n|---|---|---|---|");
        for (int i = 0; i <= COLUMNS.length; i++) {
            md.append("---|");
        }
        md.append('\n');
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.add(key(r)));
        for (String key : keys) {
            String[] k = key.split("\t");
            List<Map<String, Object>> same =
                    runs.stream().filter(r -> key.equals(key(r))).toList();
            List<Map<String, Object>> mine =
                    same.stream().filter(r -> !r.containsKey("error")).toList();
            long failed = same.size() - mine.size();
            md.append("| ")
                    .append(k[0])
                    .append(" | ")
                    .append("reports".equals(k[2]) ? "reports" : "handlers")
                    .append(" | ")
                    .append(k[1].replaceAll("\\.0$", ""))
                    .append(" | ")
                    .append(mine.size())
                    .append(failed > 0 ? " (+" + failed + " failed)" : "")
                    .append(" |");
            for (String[] c : COLUMNS) {
                List<Double> values = Report.numbers(mine, c[0]);
                md.append(' ')
                        .append(values.isEmpty() ? "—" : Report.cell(Report.summarise(values)))
                        .append(" |");
            }
            md.append(' ')
                    .append("reports".equals(k[2]) ? meetingTargets(mine) + " of " + mine.size() : "—")
                    .append(" |\n");
        }
        return md.toString();
    }

    /**
     * How many of these reports runs met the targets: every report sent in the window answered, none 5xx, answer
     * p99 and view age p99 under theirs.
     */
    private static long meetingTargets(List<Map<String, Object>> runs) {
        return runs.stream()
                .filter(r -> number(r, "reports5xx") == 0
                        && number(r, "reportsNoAnswer") == 0
                        && number(r, "reportsAnswerP99Ms") < ANSWER_P99_TARGET_MS
                        && number(r, "viewAgeP99Ms") < VIEW_AGE_P99_TARGET_MS)
                .count();
    }

    /** A figure of a run; one missing (not measured) counts as not met. */
    private static double number(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
    }
}
