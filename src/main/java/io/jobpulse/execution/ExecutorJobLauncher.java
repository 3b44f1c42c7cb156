package io.jobpulse.execution;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.runtime.NamedThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs where there is no EJB container (Tomcat): a pool of threads named {@code jobpulse-job-N}, owned by the
 * application and stopped with it. The scheduler never runs more than {@code jobpulse.max-running-jobs} jobs at
 * once; the pool has as many threads again in reserve for handlers that ignored their timeout and still hold a
 * thread after their slot was freed. Once the reserve is used up too, new runs wait in the pool's queue (their
 * jobs RUNNING, their timeouts ticking) until such a handler returns. Idle threads end after a minute. At shutdown the scheduler first interrupts the running jobs and waits
 * {@code jobpulse.shutdown-grace}; then this pool is stopped.
 */
@ApplicationScoped
@Typed(ExecutorJobLauncher.class)
public class ExecutorJobLauncher implements JobLauncher {

    @Inject
    JobPulseConfig config;

    private ExecutorService pool;

    @Override
    public synchronized void launch(Runnable job) {
        if (pool == null) {
            int threads = config.jobs().maxRunningJobs();
            // twice the slots: the second half is the reserve for handlers stuck past their timeout
            ThreadPoolExecutor executor = new ThreadPoolExecutor(
                    2 * threads,
                    2 * threads,
                    60,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    new NamedThreads("jobpulse-job"));
            executor.allowCoreThreadTimeOut(true);
            pool = executor;
        }
        pool.execute(job);
    }

    @Override
    public String description() {
        return "JobPulse's own bounded executor (no EJB container here)";
    }

    @PreDestroy
    synchronized void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
