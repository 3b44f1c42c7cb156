package io.jobpulse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What Linux's /proc says about a process and the machine: CPU ticks, resident memory, threads, the file limit. */
final class Proc {

    /** USER_HZ: the unit of the tick counts in /proc/stat and /proc/PID/stat on every Linux architecture in use. */
    static final double TICKS_PER_SECOND = 100.0;

    private Proc() {
    }

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

    /** A field of /proc/PID/status in its own unit (kB for memory), or -1. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
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
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
