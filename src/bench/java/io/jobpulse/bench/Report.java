package io.jobpulse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the measurements into {@code summary.md} (medians with min-max, and each figure as a ratio to the raw
 * reference of the same repetition and N) and {@code chart.svg} (the figures against N, drawn here).
 */
final class Report {

    /** A reported figure: its key in results.jsonl, its column title, and whether smaller is better. */
    private record Metric(String key, String title, String unit, boolean ratio) {}

    private static final List<Metric> METRICS = List.of(
            new Metric("heapPerConnection", "heap / conn", "B", true),
            new Metric("rssPerConnection", "RSS / conn (first run)", "B", true),
            new Metric("connectPerSecond", "connects / s", "", true),
            new Metric("deliveriesPerSecond", "deliveries / s", "", true),
            new Metric("serverCpuMicrosPerDelivery", "server CPU / delivery", "µs", true),
            new Metric("latencyP50Ms", "p50", "ms", true),
            new Metric("latencyP99Ms", "p99", "ms", true),
            new Metric("latencyMaxMs", "max", "ms", true),
            new Metric("stormSeconds", "reconnect storm", "s", true),
            new Metric("connectForeignCpuSeconds", "foreign CPU, connect", "s", false),
            new Metric("eventsForeignCpuSeconds", "foreign CPU, events", "s", false));

    private static final List<Metric> CHART = List.of(METRICS.get(0), METRICS.get(3), METRICS.get(4), METRICS.get(6));
    private static final String[] COLOURS = {"#444444", "#2e8b57", "#d2691e", "#1f5fbf", "#b22222", "#7b3fa0"};

    private final List<Map<String, Object>> results;
    private final List<Map<String, Object>> overloads;
    private final List<Map<String, Object>> reports;
    private final List<Map<String, Object>> clusters;
    private final Map<String, Object> machine;
    private final Set<String> servers = new LinkedHashSet<>();
    private final Set<Integer> ns = new TreeSet<>();

    Report(List<Map<String, Object>> all, Map<String, Object> machine) {
        this.results = all.stream().filter(r -> !r.containsKey("mode")).toList();
        this.overloads = all.stream()
                .filter(r -> "overload".equals(r.get("mode")) && "overload".equals(r.get("pass")))
                .toList();
        this.reports = all.stream().filter(r -> "reports".equals(r.get("pass"))).toList();
        this.clusters = ClusterTable.of(all);
        this.machine = machine;
        List<String> order = new ArrayList<>(List.of("raw", "node"));
        results.forEach(r -> order.add(r.get("server").toString()));
        for (String s : order) {
            if (results.stream().anyMatch(r -> r.get("server").equals(s))) {
                servers.add(s);
            }
        }
        results.forEach(r -> ns.add(((Number) r.get("n")).intValue()));
    }

    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("summary.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("chart.svg"), svg(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------- figures

    private List<Map<String, Object>> runs(String server, int n) {
        return results.stream()
                .filter(r -> r.get("server").equals(server)
                        && ((Number) r.get("n")).intValue() == n
                        && !r.containsKey("error"))
                .toList();
    }

    /**
     * A figure of one run. Resident memory does not shrink back after a GC (and G1 may give some back at any time), so
     * RSS per connection counts only from each server's first recorded run, on a process that had held no more than
     * the warm-up's connections before.
     */
    private static Double value(Map<String, Object> r, String key) {
        if (key.equals("rssPerConnection") && !Boolean.TRUE.equals(r.get("rssFresh"))) {
            return null;
        }
        return r.get(key) instanceof Number v ? v.doubleValue() : null;
    }

    /** {median, min, max} of a figure over the repetitions, or null. */
    double[] stats(String server, int n, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Object> r : runs(server, n)) {
            Double d = value(r, key);
            if (d != null) {
                v.add(d);
            }
        }
        return summarise(v);
    }

    /** {median, min, max} of figure / raw's figure of the same repetition and N. */
    double[] ratios(String server, int n, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Object> r : runs(server, n)) {
            Object rep = r.get("rep");
            Double mine = value(r, key);
            runs("raw", n).stream()
                    .filter(raw -> raw.get("rep").equals(rep))
                    .findFirst()
                    .ifPresent(raw -> {
                        Double ref = value(raw, key);
                        if (mine != null && ref != null && ref != 0) {
                            v.add(mine / ref);
                        }
                    });
        }
        return summarise(v);
    }

    static double[] summarise(List<Double> v) {
        if (v.isEmpty()) {
            return null;
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int k = s.size();
        double median = k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
        return new double[] {median, s.get(0), s.get(k - 1), k};
    }

    // ---------------------------------------------------------------------------------------------------- Markdown

    private String markdown() {
        StringBuilder md = new StringBuilder("# JobPulse fan-out benchmark\n\n");
        md.append("Machine: ")
                .append(machine.get("cpu"))
                .append(", ")
                .append(machine.get("cores"))
                .append(" cores, ")
                .append(machine.get("memory"))
                .append("; Linux ")
                .append(machine.get("kernel"))
                .append("; ")
                .append(machine.get("java"))
                .append(". Date: ")
                .append(machine.get("date"))
                .append(". Network namespace: ")
                .append(machine.get("namespace"))
                .append(". Open-file limit: ")
                .append(machine.get("openFileLimit"))
                .append(". Load average at the end: ")
                .append(machine.get("loadAverageAtEnd"))
                .append(".\n\n");
        md.append("Servers: ");
        @SuppressWarnings("unchecked") // "versions" is a JSON object that BenchMain wrote, so a Map<String, Object>
        Map<String, Object> versions = (Map<String, Object>) machine.get("versions");
        List<String> named = new ArrayList<>();
        versions.forEach((k, v) -> named.add("`" + k + "` " + v));
        md.append(String.join(", ", named))
                .append("; ")
                .append(machine.get("heap"))
                .append(".\n\n");
        md.append("Each cell: median over the repetitions (min-max). Ratios: the figure divided by the raw-NIO "
                + "reference's in the same repetition and N (for deliveries/s and connects/s higher is better, for "
                + "everything else lower). Foreign CPU: machine busy time minus the server, the load client and the "
                + "benchmark's other (idle) servers, over the phase. RSS / conn: growth of the server's resident "
                + "memory per connection in its first recorded run only (largest N, repetition 1, after a 1 000-"
                + "connection warm-up); later runs reuse memory the process already holds.\n\n");
        for (int n : ns) {
            md.append("## N = ").append(n).append(" watchers of one job\n\n");
            md.append("| server | runs |");
            METRICS.forEach(m -> md.append(' ')
                    .append(m.title)
                    .append(m.unit.isEmpty() ? "" : " (" + m.unit + ")")
                    .append(" |"));
            md.append(" connected / failed / dropped |\n|---|---|");
            METRICS.forEach(m -> md.append("---|"));
            md.append("---|\n");
            for (String s : servers) {
                List<Map<String, Object>> runs = runs(s, n);
                long errors = results.stream()
                        .filter(r -> r.get("server").equals(s)
                                && ((Number) r.get("n")).intValue() == n
                                && r.containsKey("error"))
                        .count();
                md.append("| ")
                        .append(s)
                        .append(" | ")
                        .append(runs.size())
                        .append(errors > 0 ? " (+" + errors + " failed)" : "")
                        .append(" |");
                for (Metric m : METRICS) {
                    md.append(' ').append(cell(stats(s, n, m.key))).append(" |");
                }
                md.append(' ')
                        .append(cell(stats(s, n, "connected")))
                        .append(" / ")
                        .append(cell(stats(s, n, "failed")))
                        .append(" / ")
                        .append(cell(stats(s, n, "dropped")))
                        .append(" |\n");
            }
            md.append("\nAs a ratio to raw:\n\n| server |");
            METRICS.stream()
                    .filter(m -> m.ratio)
                    .forEach(m -> md.append(' ').append(m.title).append(" |"));
            md.append("\n|---|");
            METRICS.stream().filter(m -> m.ratio).forEach(m -> md.append("---|"));
            md.append('\n');
            for (String s : servers) {
                if (s.equals("raw")) {
                    continue;
                }
                md.append("| ").append(s).append(" |");
                METRICS.stream()
                        .filter(m -> m.ratio)
                        .forEach(m -> md.append(' ')
                                .append(ratioCell(ratios(s, n, m.key)))
                                .append(" |"));
                md.append('\n');
            }
            md.append('\n');
        }
        md.append("![figures against N](chart.svg)\n");
        md.append(new OverloadTable(overloads).markdown());
        md.append(new ReportsTable(reports).markdown());
        md.append(new ClusterTable(clusters).markdown());
        return md.toString();
    }

    /** The numeric values of {@code key} in these runs, in order (runs without one are left out). */
    static List<Double> numbers(List<Map<String, Object>> runs, String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> r : runs) {
            if (r.get(key) instanceof Number v) {
                values.add(v.doubleValue());
            }
        }
        return values;
    }

    static String cell(double[] s) {
        if (s == null) {
            return "–";
        }
        return s[1] == s[2] ? num(s[0]) : num(s[0]) + " (" + num(s[1]) + "–" + num(s[2]) + ")";
    }

    private static String ratioCell(double[] s) {
        if (s == null) {
            return "–";
        }
        return s[1] == s[2] ? ratio(s[0]) : ratio(s[0]) + " (" + ratio(s[1]) + "–" + ratio(s[2]) + ")";
    }

    private static String ratio(double d) {
        return String.format(Locale.ROOT, d >= 10 ? "%.0f×" : "%.2f×", d);
    }

    static String num(double d) {
        if (Math.abs(d) >= 100 || d == Math.rint(d)) {
            return String.format(Locale.ROOT, "%,d", Math.round(d));
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 10 ? "%.1f" : "%.2f", d);
    }

    // ---------------------------------------------------------------------------------------------------- SVG

    private String svg() {
        int pw = 430;
        int ph = 270;
        int cols = 2;
        int rows = (CHART.size() + cols - 1) / cols;
        int legend = 28;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">\n",
                pw * cols,
                ph * rows + legend));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        List<String> list = new ArrayList<>(servers);
        for (int i = 0; i < list.size(); i++) {
            int x = 10 + i * 120;
            s.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"9\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"15\">%s</text>\n",
                    x,
                    COLOURS[i % COLOURS.length],
                    x + 18,
                    list.get(i)));
        }
        for (int p = 0; p < CHART.size(); p++) {
            panel(s, CHART.get(p), (p % cols) * pw, legend + (p / cols) * ph, pw, ph, list);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** One figure against N: log-scaled y (the servers differ by orders of magnitude), median with a min-max bar. */
    private void panel(StringBuilder s, Metric m, int ox, int oy, int w, int h, List<String> list) {
        int left = ox + 60;
        int right = ox + w - 15;
        int top = oy + 25;
        int bottom = oy + h - 35;
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (String srv : list) {
            for (int n : ns) {
                double[] st = stats(srv, n, m.key);
                if (st != null && st[1] > 0) {
                    lo = Math.min(lo, st[1]);
                    hi = Math.max(hi, st[2]);
                }
            }
        }
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s%s</text>\n",
                left,
                oy + 15,
                esc(m.title),
                m.unit.isEmpty() ? "" : " (" + m.unit + ")"));
        s.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
                left,
                top,
                right - left,
                bottom - top));
        if (hi <= 0) {
            return;
        }
        double ylo = Math.pow(10, Math.floor(Math.log10(lo)));
        double yhi = Math.pow(10, Math.ceil(Math.log10(hi)));
        if (yhi <= ylo) {
            yhi = ylo * 10;
        }
        double lylo = Math.log10(ylo);
        double span = Math.log10(yhi) - lylo;
        for (double d = ylo; d <= yhi * 1.0001; d *= 10) {
            for (int k : new int[] {1, 2, 5}) {
                double v = d * k;
                if (v > yhi * 1.0001) {
                    break;
                }
                double y = bottom - (Math.log10(v) - lylo) / span * (bottom - top);
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                        left,
                        right,
                        y,
                        y,
                        left - 4,
                        y + 4,
                        tick(v)));
            }
        }
        List<Integer> xs = new ArrayList<>(ns);
        double lx0 = Math.log10(xs.get(0));
        double lx1 = Math.log10(xs.get(xs.size() - 1));
        Map<Integer, Double> xpos = new LinkedHashMap<>();
        for (int n : xs) {
            double x = lx1 == lx0
                    ? (left + right) / 2.0
                    : left + 30 + (Math.log10(n) - lx0) / (lx1 - lx0) * (right - left - 60);
            xpos.put(n, x);
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">N = %,d</text>\n",
                    x,
                    bottom + 15,
                    n));
        }
        for (int i = 0; i < list.size(); i++) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder line = new StringBuilder();
            double offset = (i - (list.size() - 1) / 2.0) * 3; // keeps the error bars apart
            for (int n : xs) {
                double[] st = stats(list.get(i), n, m.key);
                if (st == null || st[0] <= 0) {
                    continue;
                }
                double x = xpos.get(n) + offset;
                double y = bottom - (Math.log10(st[0]) - lylo) / span * (bottom - top);
                double y1 = bottom - (Math.log10(Math.max(st[1], ylo)) - lylo) / span * (bottom - top);
                double y2 = bottom - (Math.log10(st[2]) - lylo) / span * (bottom - top);
                line.append(line.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                                + "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s N=%d: %s</title></circle>\n",
                        x,
                        x,
                        y1,
                        y2,
                        colour,
                        x,
                        y,
                        colour,
                        list.get(i),
                        n,
                        esc(cell(st))));
            }
            if (!line.isEmpty()) {
                s.append(String.format(
                        Locale.ROOT,
                        "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                        line,
                        colour));
            }
        }
    }

    private static String tick(double v) {
        if (v >= 1_000_000) {
            return trim(v / 1_000_000) + "M";
        }
        if (v >= 1000) {
            return trim(v / 1000) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
