package io.jobpulse.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The overload section of {@code summary.md}: per container, medians (min-max) over the repetitions. */
final class OverloadTable {

    private static final String[][] COLUMNS = {
        {"jobsRunning", "jobs running"},
        {"jobsReporting", "jobs reporting"},
        {"overloadOfferedPerSecond", "progress offered / s"},
        {"overloadDeliveriesPerSecond", "deliveries / s"},
        {"overloadCoalesced", "coalesced"},
        {"overloadBatchFrames", "batch frames"},
        {"stalenessP50Ms", "age on receipt p50 (ms)"},
        {"stalenessP99Ms", "p99"},
        {"stalenessMaxMs", "max"},
        {"viewAgeP50Ms", "view age p50 (ms)"},
        {"viewAgeP99Ms", "p99"},
        {"viewAgeMaxMs", "max"},
        {"overloadServerCpuMicrosPerDelivery", "server CPU / delivery (µs)"},
        {"terminalMissing", "terminal events missing"},
        {"dropped", "dropped"},
        {"overloadForeignCpuSeconds", "foreign CPU (s)"},
    };

    private final List<Map<String, Object>> runs;

    OverloadTable(List<Map<String, Object>> runs) {
        this.runs = runs;
    }

    String markdown() {
        if (runs.isEmpty()) {
            return "";
        }
        Map<String, Object> first = runs.get(0);
        StringBuilder md = new StringBuilder("\n## Overload: ")
                .append(first.get("jobs"))
                .append(" jobs, each reporting ")
                .append(first.get("ratePerJob"))
                .append(" times a second, ")
                .append(first.get("n"))
                .append(" watchers (watcher i watches job i mod jobs), ")
                .append(first.get("windowSeconds"))
                .append(" s measured\n\n");
        md.append("Age on receipt: receipt time minus the event's `at`, over every progress event received in the "
                + "window. View age: at the end of the window, now minus the `at` of the newest progress each watcher "
                + "holds (it includes up to one report interval, 1 / rate). Terminal events missing: watchers that did "
                + "not get their job's CANCELLED after every job was cancelled.\n\n| server | runs |");
        for (String[] c : COLUMNS) {
            md.append(' ').append(c[1]).append(" |");
        }
        md.append("\n|---|---|");
        for (int i = 0; i < COLUMNS.length; i++) {
            md.append("---|");
        }
        md.append('\n');
        Set<String> servers = new LinkedHashSet<>();
        runs.forEach(r -> servers.add(r.get("server").toString()));
        for (String server : servers) {
            List<Map<String, Object>> mine = runs.stream()
                    .filter(r -> r.get("server").equals(server) && !r.containsKey("error"))
                    .toList();
            long failed = runs.stream()
                    .filter(r -> r.get("server").equals(server) && r.containsKey("error"))
                    .count();
            md.append("| ")
                    .append(server)
                    .append(" | ")
                    .append(mine.size())
                    .append(failed > 0 ? " (+" + failed + " failed)" : "")
                    .append(" |");
            for (String[] c : COLUMNS) {
                List<Double> values = Report.numbers(mine, c[0]);
                md.append(' ').append(Report.cell(Report.summarise(values))).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }
}
