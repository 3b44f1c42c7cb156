package io.jobpulse.inprocess;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waits for a condition with a deadline, checking often; fails with what it last saw. No fixed sleeps in tests. */
public final class Await {

    public static final Duration DEFAULT = Duration.ofSeconds(15);

    private Await() {}

    public static <T> T until(Callable<T> probe, Predicate<? super T> done, String what) throws Exception {
        return until(probe, done, DEFAULT, what);
    }

    public static <T> T until(Callable<T> probe, Predicate<? super T> done, Duration within, String what)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        T last = probe.call();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + within + ": " + what + "; last seen: " + last);
            }
            Thread.onSpinWait();
            Thread.sleep(5); // a polling interval, not a synchronisation: the deadline bounds the wait
            last = probe.call();
        }
        return last;
    }
}
