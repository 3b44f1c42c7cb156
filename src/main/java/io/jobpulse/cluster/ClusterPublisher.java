package io.jobpulse.cluster;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.job.JobEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The {@link EventPublisher}: every committed event goes, in a cluster, as a hint to the other nodes (after the commit,
 * never inside it), and to this node's hub.
 */
@ApplicationScoped
public class ClusterPublisher implements EventPublisher {

    @Inject
    ProgressHub hub;

    @Inject
    Cluster cluster;

    /**
     * The hint first: queuing it costs nothing, and the bus sends it on its own thread while this node fans the events
     * out to its own watchers, which for thousands of watchers takes tens of milliseconds the other nodes need not wait.
     */
    @Override
    public void publish(List<JobEvent> committed) {
        cluster.published(committed);
        hub.publish(committed);
    }
}
