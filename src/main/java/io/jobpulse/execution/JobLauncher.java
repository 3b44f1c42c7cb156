package io.jobpulse.execution;

/**
 * The seam between the scheduler and the threads jobs run on. On full Jakarta EE servers it is
 * {@link EjbJobLauncher} (EJB {@code @Asynchronous}); a portable executor takes its place where there is no
 * EJB container (Tomcat). {@code launch} must return at once and run the task on another thread.
 */
public interface JobLauncher {

    void launch(Runnable job);

    /** Says in the start-up log how jobs run on this server. */
    String description();
}
