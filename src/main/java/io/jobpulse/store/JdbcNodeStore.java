package io.jobpulse.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The cluster's nodes ({@code jp_node}): each registers at start under a new incarnation, heartbeats with the
 * database's clock, and removes itself at a graceful stop. A node is live while its heartbeat is younger than a lease.
 */
@ApplicationScoped
public class JdbcNodeStore {

    private DataSource dataSource;
    private Optional<String> guard = Optional.empty();

    protected JdbcNodeStore() {
        // for CDI proxies
    }

    @Inject
    public JdbcNodeStore(Database database) {
        this(database.dataSource());
        this.guard = database.transactionGuard();
    }

    public JdbcNodeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Registers {@code node} under {@code incarnation}, replacing the row of its earlier life; answers that earlier row
     * (to tell a restart from a second live node with the same name).
     */
    public Optional<NodeRow> register(String node, String incarnation, NodeBeat beat) {
        return Transactions.run(dataSource, guard, "register this node", c -> {
            Optional<NodeRow> earlier =
                    select(c, " WHERE node_id = ?", node).stream().findFirst();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jp_node WHERE node_id = ?")) {
                ps.setString(1, node);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jp_node (node_id, incarnation, started_at, "
                    + "heartbeat_at, stopping, bus_state, running_jobs, connections) "
                    + "VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, ?, ?, ?, ?)")) {
                ps.setString(1, node);
                ps.setString(2, incarnation);
                bindBeat(ps, 3, beat);
                ps.executeUpdate();
            }
            return earlier;
        });
    }

    /** Records a heartbeat; false when the row of this incarnation is gone (removed, or replaced by a newer life). */
    public boolean heartbeat(String node, String incarnation, NodeBeat beat) {
        return Transactions.run(dataSource, guard, "record this node's heartbeat", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jp_node SET heartbeat_at = CURRENT_TIMESTAMP, "
                    + "stopping = ?, bus_state = ?, running_jobs = ?, connections = ? "
                    + "WHERE node_id = ? AND incarnation = ?")) {
                bindBeat(ps, 1, beat);
                ps.setString(5, node);
                ps.setString(6, incarnation);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Removes this incarnation's row (graceful stop). */
    public void remove(String node, String incarnation) {
        Transactions.run(dataSource, guard, "remove this node", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM jp_node WHERE node_id = ? AND incarnation = ?")) {
                ps.setString(1, node);
                ps.setString(2, incarnation);
                return ps.executeUpdate();
            }
        });
    }

    /** The nodes whose heartbeat is younger than {@code lease}, by name; rows older than ten leases are deleted. */
    public List<NodeRow> live(Duration lease) {
        return Transactions.run(dataSource, guard, "list the live nodes", c -> {
            Instant now = JdbcJobStore.databaseNow(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jp_node WHERE heartbeat_at < ?")) {
                JobRows.setInstant(ps, 1, now.minus(lease.multipliedBy(10)));
                ps.executeUpdate();
            }
            List<NodeRow> live = new ArrayList<>();
            for (NodeRow row : select(c, " ORDER BY node_id", null)) {
                if (row.heartbeatAt().isAfter(now.minus(lease))) {
                    live.add(row);
                }
            }
            return live;
        });
    }

    private static void bindBeat(PreparedStatement ps, int first, NodeBeat beat) throws SQLException {
        ps.setBoolean(first, beat.stopping());
        ps.setString(first + 1, beat.busState());
        ps.setInt(first + 2, beat.runningJobs());
        ps.setInt(first + 3, beat.connections());
    }

    private static List<NodeRow> select(Connection c, String where, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT node_id, started_at, heartbeat_at, stopping, bus_state, "
                + "running_jobs, connections FROM jp_node" + where)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            List<NodeRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new NodeRow(
                            rs.getString(1),
                            JobRows.instant(rs, "started_at"),
                            JobRows.instant(rs, "heartbeat_at"),
                            rs.getBoolean(4),
                            rs.getString(5),
                            rs.getInt(6),
                            rs.getInt(7)));
                }
            }
            return rows;
        }
    }
}
