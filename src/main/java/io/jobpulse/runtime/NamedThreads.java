package io.jobpulse.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads named {@code <prefix>-N} that carry the application's class loader, for pools JobPulse owns: plain
 * threads, or threads of a container's managed thread factory (which carry the application's context too).
 */
public final class NamedThreads implements ThreadFactory {

    private final String prefix;
    private final ThreadFactory base;
    private final ClassLoader loader = NamedThreads.class.getClassLoader();
    private final AtomicInteger count = new AtomicInteger();

    public NamedThreads(String prefix) {
        this(prefix, null);
    }

    /** {@code base}: where the threads come from (null: plain threads). */
    public NamedThreads(String prefix, ThreadFactory base) {
        this.prefix = prefix;
        this.base = base;
    }

    @Override
    public Thread newThread(Runnable task) {
        String name = prefix + "-" + count.incrementAndGet();
        Thread thread = base == null ? new Thread(task, name) : base.newThread(task);
        if (thread == null) {
            return null; // the container's factory refuses (its application is stopping): the pool gets no thread
        }
        thread.setName(name);
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        return thread;
    }
}
