package io.jobpulse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The cluster section of {@code summary.md} and the log: issue 12's three figures, each beside its target. */
final class ClusterTable {

    private final List<Map<String, Object>> runs;

    ClusterTable(List<Map<String, Object>> runs) {
        this.runs = runs;
    }

    static boolean isCluster(Map<String, Object> r) {
        Object mode = r.get("mode");
        return "cluster-fanout".equals(mode) || "cluster-bus".equals(mode) || "failover".equals(mode);
    }

    /** One line per measurement: its figure against its target, or the error. */
    static String oneLine(Map<String, Object> r) {
        if (r.containsKey("error")) {
            return r.get("mode") + " ERROR " + r.get("error");
        }
        return switch (String.valueOf(r.get("mode"))) {
            case "cluster-fanout" ->
                String.format(
                        Locale.ROOT,
                        "cluster fan-out, %s watchers over 2 nodes: p99 on the job's node %s ms, on the other %s ms: "
                                + "cross-node adds %s ms at p99 (target: at most 50); p50 %s vs %s ms; first watcher "
                                + "served %s vs %s ms; gaps %s",
                        num(r.get("connected")),
                        num(r.get("localP99Ms")),
                        num(r.get("crossP99Ms")),
                        num(crossAdds(r)),
                        num(r.get("localP50Ms")),
                        num(r.get("crossP50Ms")),
                        num(r.get("localFirstMs")),
                        num(r.get("crossFirstMs")),
                        num(r.get("gaps")));
            case "cluster-bus" ->
                String.format(
                        Locale.ROOT,
                        "cluster bus, %s jobs x %s/s over 2 nodes (%s), %s watchers: view age p99 %s ms (target: at "
                                + "most 500), cross-node %s ms; %s events stored/s, PostgreSQL %s µs CPU per event; "
                                + "gaps %s, terminal missing %s",
                        num(r.get("jobs")),
                        num(r.get("ratePerJob")),
                        r.get("jobsByNode"),
                        num(r.get("connected")),
                        num(r.get("viewAgeP99Ms")),
                        num(r.get("viewAgeCrossP99Ms")),
                        num(r.get("eventsStoredPerSecond")),
                        num(r.get("dbCpuMicrosPerEvent")),
                        num(r.get("gaps")),
                        num(r.get("terminalMissing")));
            case "failover" ->
                String.format(
                        Locale.ROOT,
                        "cluster failover, %s watchers and %s jobs on the killed node: every watcher subscribed on the "
                                + "survivor after %s s (target: under 10); every job running again after %s s "
                                + "(target: lease %s + 5 s); store reads for the resumes %s per job, catch-up reads %s; "
                                + "gaps %s, duplicates %s, terminal missing %s",
                        num(r.get("watchers")),
                        num(r.get("jobs")),
                        num(r.get("resubscribeSeconds")),
                        num(r.get("runningAgainMaxSeconds")),
                        num(r.get("leaseSeconds")),
                        num(r.get("resumeStoreReadsPerJob")),
                        num(r.get("catchUpReads")),
                        num(r.get("gaps")),
                        num(r.get("duplicates")),
                        num(r.get("terminalMissing")));
            default -> String.valueOf(r);
        };
    }

    private static Double crossAdds(Map<String, Object> r) {
        return r.get("crossP99Ms") instanceof Number c && r.get("localP99Ms") instanceof Number l
                ? c.doubleValue() - l.doubleValue()
                : null;
    }

    String markdown() {
        if (runs.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## Cluster: two Tomcat nodes on one PostgreSQL (docs/cluster.md)\n\n");
        md.append("Each figure beside its target (issue 12). Fan-out: one job, the watchers alternate between the "
                + "nodes; local = watchers on the node that ran the job, cross = on the other, whose events came as a "
                + "hint over the bus and a read of the store. Bus: every job reports at the given rate, one watcher "
                + "per job on alternate nodes; view age = now minus the `at` of the newest progress each watcher holds "
                + "at the end of the window (it includes up to one report interval). Failover: the node holding every "
                + "watcher and running every job gets SIGKILL; times from the kill.\n\n");
        md.append("| measurement | figure | target | measured |\n|---|---|---|---|\n");
        for (Map<String, Object> r : runs) {
            String mode = String.valueOf(r.get("mode"));
            if (r.containsKey("error")) {
                md.append("| ")
                        .append(mode)
                        .append(" | – | – | ERROR ")
                        .append(r.get("error"))
                        .append(" |\n");
                continue;
            }
            switch (mode) {
                case "cluster-fanout" -> {
                    String what = "fan-out, " + num(r.get("connected")) + " watchers, rep " + num(r.get("rep"));
                    row(md, what, "cross-node p99 minus local p99", "≤ +50 ms", ms(crossAdds(r)));
                    row(md, what, "p50 / p99 local", "–", ms(r.get("localP50Ms")) + " / " + ms(r.get("localP99Ms")));
                    row(
                            md,
                            what,
                            "p50 / p99 cross-node",
                            "–",
                            ms(r.get("crossP50Ms")) + " / " + ms(r.get("crossP99Ms")));
                    row(
                            md,
                            what,
                            "first watcher served, median over the steps: local / cross-node",
                            "–",
                            ms(r.get("localFirstMs")) + " / " + ms(r.get("crossFirstMs")));
                    row(md, what, "gaps, duplicates", "0, 0", num(r.get("gaps")) + ", " + num(r.get("duplicates")));
                }
                case "cluster-bus" -> {
                    String what = "bus, " + num(r.get("jobs")) + " jobs × " + num(r.get("ratePerJob")) + "/s, "
                            + num(r.get("connected")) + " watchers";
                    row(
                            md,
                            what,
                            "view age p99 (all / cross-node)",
                            "≤ 500 ms",
                            ms(r.get("viewAgeP99Ms")) + " / " + ms(r.get("viewAgeCrossP99Ms")));
                    row(md, what, "jobs by node", "both", String.valueOf(r.get("jobsByNode")));
                    row(md, what, "events stored / s", "–", num(r.get("eventsStoredPerSecond")));
                    row(md, what, "PostgreSQL CPU per event", "report", num(r.get("dbCpuMicrosPerEvent")) + " µs");
                    row(
                            md,
                            what,
                            "gaps, terminal events missing",
                            "0, 0",
                            num(r.get("gaps")) + ", " + num(r.get("terminalMissing")));
                }
                case "failover" -> {
                    String what = "failover, " + num(r.get("watchers")) + " watchers, " + num(r.get("jobs")) + " jobs";
                    row(md, what, "every watcher subscribed on the survivor", "< 10 s", s(r.get("resubscribeSeconds")));
                    row(
                            md,
                            what,
                            "every job running again (median / last)",
                            "≤ lease + 5 s = " + num(sum(r.get("leaseSeconds"), 5)) + " s",
                            s(r.get("runningAgainP50Seconds")) + " / " + s(r.get("runningAgainMaxSeconds")));
                    row(
                            md,
                            what,
                            "store reads for the resumes per job",
                            "about 1",
                            num(r.get("resumeStoreReadsPerJob")));
                    row(
                            md,
                            what,
                            "gaps, duplicates, terminal events missing",
                            "0, 0, 0",
                            num(r.get("gaps")) + ", " + num(r.get("duplicates")) + ", "
                                    + num(r.get("terminalMissing")));
                }
                default -> {
                    // not a cluster measurement
                }
            }
        }
        return md.toString();
    }

    private static Double sum(Object a, double b) {
        return a instanceof Number n ? n.doubleValue() + b : null;
    }

    private static void row(StringBuilder md, String what, String figure, String target, String measured) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(figure)
                .append(" | ")
                .append(target)
                .append(" | ")
                .append(measured)
                .append(" |\n");
    }

    private static String ms(Object v) {
        return v instanceof Number ? num(v) + " ms" : "–";
    }

    private static String s(Object v) {
        return v instanceof Number ? num(v) + " s" : "–";
    }

    static String num(Object v) {
        if (!(v instanceof Number n)) {
            return "–";
        }
        double d = n.doubleValue();
        return d >= 100 || d == Math.rint(d)
                ? Long.toString(Math.round(d))
                : String.format(Locale.ROOT, d >= 10 ? "%.1f" : "%.2f", d);
    }

    static List<Map<String, Object>> of(List<Map<String, Object>> all) {
        List<Map<String, Object>> mine = new ArrayList<>();
        for (Map<String, Object> r : all) {
            if (isCluster(r)) {
                mine.add(r);
            }
        }
        return mine;
    }
}
