package io.jobpulse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What Linux's /proc says about a process and the machine: CPU ticks, resident memory, threads, the file limit. */
final class Proc {

    /** USER_HZ: the unit of the tick counts in /proc/stat and /proc/PID/stat on every Linux architecture in use. */
    static final double TICKS_PER_SECOND = 100.0;

    private Proc() {}

    /** utime + stime of a process in seconds, or -1 if it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name may hold spaces and parentheses: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds of a process tree one level deep, as PostgreSQL's is: the process (with its waited-for children's
     * time, cutime + cstime, so exited backends count) plus its live children (the backends); -1 if it is gone.
     */
    static double treeCpuSeconds(long pid) {
        double[] own = stat(pid);
        if (own == null) {
            return -1;
        }
        double total = own[0] + own[1] + own[2] + own[3];
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path p : all.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                double[] child = stat(Long.parseLong(name));
                if (child != null && (long) child[4] == pid) {
                    total += child[0] + child[1];
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** utime, stime, cutime, cstime in seconds and the parent's PID, or null if the process is gone. */
    private static double[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {
                Long.parseLong(f[11]) / TICKS_PER_SECOND,
                Long.parseLong(f[12]) / TICKS_PER_SECOND,
                Long.parseLong(f[13]) / TICKS_PER_SECOND,
                Long.parseLong(f[14]) / TICKS_PER_SECOND,
                Long.parseLong(f[1])
            };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Nanoseconds each thread of a process spent runnable but waiting for a CPU (the scheduler's run queue: the second
     * field of {@code /proc/PID/task/TID/schedstat}), by thread id; empty where the kernel does not keep it. On a
     * machine whose cores are all busy this is what every thread loses to the others: a load client's answer times
     * include its own.
     */
    static Map<Long, Long> runQueueNanos(long pid) {
        Map<Long, Long> byThread = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f =
                            Files.readString(task.resolve("schedstat")).trim().split(" ");
                    byThread.put(Long.parseLong(task.getFileName().toString()), Long.parseLong(f[1]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile, or no schedstat
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return byThread;
    }

    /**
     * Seconds of run-queue wait between two {@link #runQueueNanos} readings, over the threads alive at the second
     * (a thread started in between counts whole; one that ended is missing, so this is a floor); -1 when the second
     * reading is empty.
     */
    static double runQueueSecondsBetween(Map<Long, Long> before, Map<Long, Long> after) {
        if (after.isEmpty()) {
            return -1;
        }
        long nanos = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            nanos += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return nanos / 1e9;
    }

    /** CPU seconds per thread group of a process: thread names with their digits as '#' (pools add up). */
    static Map<String, Double> threadCpu(long pid) {
        Map<String, Double> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("\\d+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return byName;
        }
        return byName;
    }

    /** The busiest thread groups between two {@link #threadCpu} snapshots, busiest first, at most {@code top}. */
    static Map<String, Double> busiest(Map<String, Double> before, Map<String, Double> after, int top) {
        Map<String, Double> delta = new HashMap<>();
        after.forEach((name, secs) -> delta.put(name, secs - before.getOrDefault(name, 0.0)));
        Map<String, Double> result = new LinkedHashMap<>();
        delta.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> result.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
        return result;
    }

    /** A field of /proc/PID/status in its own unit (kB for memory), or -1. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long rssBytes(long pid) {
        long kb = status(pid, "VmRSS");
        return kb < 0 ? -1 : kb * 1024;
    }

    static long threads(long pid) {
        return status(pid, "Threads");
    }

    /** Busy and steal seconds of the whole machine since boot: {busy, steal}; busy excludes idle and iowait. */
    static double[] machine() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new double[] {busy / TICKS_PER_SECOND, steal / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1};
        }
    }

    /** The soft limit on open files of this process (RLIMIT_NOFILE), or -1. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft =
                            line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
