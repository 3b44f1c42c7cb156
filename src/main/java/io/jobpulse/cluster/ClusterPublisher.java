package io.jobpulse.cluster;

import io.jobpulse.hub.EventPublisher;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.job.JobEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The {@link EventPublisher}: every committed event goes to this node's hub, and, in a cluster, a hint of it to the
 * other nodes (after the commit, never inside it).
 */
@ApplicationScoped
public class ClusterPublisher implements EventPublisher {

    @Inject
    ProgressHub hub;

    @Inject
    Cluster cluster;

    @Override
    public void publish(List<JobEvent> committed) {
        hub.publish(committed);
        cluster.published(committed);
    }
}
