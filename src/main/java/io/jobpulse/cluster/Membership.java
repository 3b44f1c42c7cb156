package io.jobpulse.cluster;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.execution.JobScheduler;
import io.jobpulse.fallback.SseStreams;
import io.jobpulse.store.JdbcNodeStore;
import io.jobpulse.store.NodeBeat;
import io.jobpulse.store.NodeRow;
import io.jobpulse.store.StoreException;
import io.jobpulse.websocket.OpenSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's row in {@code jp_node}: registered at start under a new incarnation, heartbeated every third of a lease
 * (times by the database's clock) with what it runs and serves, removed at a graceful stop. A heartbeat that finds
 * the row gone (deleted after ten leases of silence) registers again.
 */
@ApplicationScoped
public class Membership {

    private static final Logger LOG = Logger.getLogger(Membership.class.getName());

    @Inject
    JobPulseConfig config;

    @Inject
    JdbcNodeStore nodes;

    @Inject
    JobScheduler scheduler;

    @Inject
    OpenSessions webSockets;

    @Inject
    SseStreams sseStreams;

    private final String incarnation = UUID.randomUUID().toString();
    private volatile Supplier<BusState> busState = () -> BusState.SINGLE_NODE;
    private volatile boolean stopping;

    void join(Supplier<BusState> bus) {
        this.busState = bus;
        try {
            Optional<NodeRow> earlier = nodes.register(config.nodeId(), incarnation, beatNow());
            earlier.ifPresent(row -> LOG.info(() -> "JobPulse node " + config.nodeId() + " registered again (its "
                    + "previous life last beat at " + row.heartbeatAt() + "); node ids must be unique in a "
                    + "cluster: two live nodes with the same jobpulse.node-id would recover each other's jobs"));
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Could not register this node in jp_node; the heartbeat retries");
        }
    }

    void beat() {
        try {
            if (!nodes.heartbeat(config.nodeId(), incarnation, beatNow())) {
                LOG.warning(() -> "JobPulse node " + config.nodeId() + ": its jp_node row was gone; registering again");
                nodes.register(config.nodeId(), incarnation, beatNow());
            }
        } catch (RuntimeException e) {
            // not only StoreException, as in every periodic task: an exception out of a scheduled task ends its
            // schedule for good. Payara's JDBC wrappers throw java.lang.reflect.UndeclaredThrowableException for a
            // statement on a connection PostgreSQL closed (a restart), which used to end this node's heartbeat.
            LOG.log(Level.WARNING, e, () -> "Could not record this node's heartbeat; will retry");
        }
    }

    void leave() {
        stopping = true;
        try {
            nodes.remove(config.nodeId(), incarnation);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, e, () -> "Could not remove this node from jp_node at stop");
        }
    }

    /** The live nodes of the cluster (this one included), by the database's clock. */
    public List<NodeRow> liveNodes() {
        return nodes.live(config.jobs().lease());
    }

    private NodeBeat beatNow() {
        return new NodeBeat(
                stopping, busState.get().name(), scheduler.runningCount(), webSockets.size() + sseStreams.size());
    }
}
