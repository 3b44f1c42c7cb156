package io.jobpulse.cluster;

import io.jobpulse.execution.PeerSignals;
import io.jobpulse.job.JobId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@link PeerSignals} over the cluster's bus; on a single node, or with no bus, the message goes nowhere. */
@ApplicationScoped
public class ClusterSignals implements PeerSignals {

    @Inject
    Cluster cluster;

    @Override
    public void cancelElsewhere(JobId job) {
        cluster.cancelElsewhere(job);
    }
}
