package io.jobpulse.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads named {@code <prefix>-N} that carry the application's class loader, for pools JobPulse owns where the
 * container offers none.
 */
public final class NamedThreads implements ThreadFactory {

    private final String prefix;
    private final ClassLoader loader = NamedThreads.class.getClassLoader();
    private final AtomicInteger count = new AtomicInteger();

    public NamedThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        return thread;
    }
}
