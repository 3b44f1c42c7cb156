package io.jobpulse.execution;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/**
 * Runs jobs as EJB asynchronous tasks on the container's async pool. No JTA transaction: the store commits its own
 * short local transactions, so progress is visible while the job runs. The scheduler never launches more than
 * {@code jobpulse.max-running-jobs} at once, so long jobs cannot take the whole shared pool.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EjbJobLauncher implements JobLauncher {

    @Override
    public String description() {
        return "EJB @Asynchronous tasks on the container's async pool";
    }

    @Override
    @Asynchronous
    public void launch(Runnable job) {
        job.run();
    }
}
