package io.jobpulse.rest;

import io.jobpulse.cluster.Cluster;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import io.jobpulse.store.NodeRow;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/nodes}: the cluster's live nodes (heartbeat younger than a lease, by the database's clock), by name,
 * each with what its last heartbeat reported: jobs running there, WebSocket and SSE connections, bus state.
 */
@RequestScoped
@Path("nodes")
@Authenticated
public class NodesResource {

    @Inject
    Cluster cluster;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String nodes() {
        JsonArrayBuilder nodes = Jsonp.PROVIDER.createArrayBuilder();
        for (NodeRow row : cluster.membership().liveNodes()) {
            nodes.add(Jsonp.PROVIDER
                    .createObjectBuilder()
                    .add("node", row.node())
                    .add("startedAt", row.startedAt().toString())
                    .add("heartbeatAt", row.heartbeatAt().toString())
                    .add("stopping", row.stopping())
                    .add("bus", row.busState())
                    .add("runningJobs", row.runningJobs())
                    .add("connections", row.connections()));
        }
        return JsonMaps.write(
                Jsonp.PROVIDER.createObjectBuilder().add("nodes", nodes).build());
    }
}
