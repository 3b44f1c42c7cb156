package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The JobPulse page in Chromium, through HAProxy (server-config/haproxy/haproxy.cfg as shipped) in front of a
 * two-node {@link Cluster} on one PostgreSQL: the node that holds the page's WebSocket and runs the job the page
 * follows is killed ({@code kill -9}) mid-job. The page, without a reload, reconnects through the proxy to the
 * survivor and resumes by {@code since} with no gap and no repeat; the survivor recovers the job after the lease and
 * runs it again (steps is retry-safe); the page shows the re-run rising to SUCCEEDED, on WebSocket again, and the
 * database holds one end. The page's WebSocket is first moved onto the job's node when it is elsewhere (drained and
 * shut in haproxy), so that the kill costs the page its connection and the job its run at once.
 *
 * <p>What the page did is recorded in the page itself: a script installed before the page's own scripts
 * ({@code Page.addScriptToEvaluateOnNewDocument}) records every WebSocket the page opens and every frame it sends and
 * receives, and a MutationObserver records every value the job's row and the connection indicator take. Screenshots
 * land in target/browser/&lt;server&gt;/ (cluster-failover-*.png); the nodes' logs and haproxy's in
 * target/cluster-it/&lt;server&gt;/browser/run-*.
 *
 * <p>Runs once, in the Tomcat 10.1 execution (the browser and the proxy are the same whatever the nodes run; the
 * failover itself is {@link ClusterIT}'s, on every server); skipped, visibly, where Debian's chromium,
 * chromium-driver or haproxy is missing ({@code .ci/run} installs them). The page uses alice's key, which every node
 * of the cluster accepts, so the cluster needs no extra settings.
 */
@ContainerIndependent
class ClusterBrowserIT {

    private static final Logger LOG = Logger.getLogger(ClusterBrowserIT.class.getName());
    private static final Path CONFIG = Path.of("server-config", "haproxy", "haproxy.cfg");
    private static final String BACKEND = "jobpulse_nodes";
    /** 40 steps 250 ms apart: a run of 10 s, long enough to kill a node in the middle of it. */
    private static final int STEPS = 40;

    private static final int INTERVAL_MS = 250;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A recovery (a lease and a sweep) and a whole second run, with room for two shared cores. */
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Installed before the page's scripts: the page's WebSocket, recording into {@code window.__record}, in order,
     * each connection made ({@code new}), opened and closed, and each frame sent ({@code out}) and received
     * ({@code in}).
     */
    private static final String WEBSOCKET_RECORDER = """
            (() => {
              if (window.__record) { return; }
              const record = window.__record = [];
              window.__webSocketsOpened = 0;
              const Native = window.WebSocket;
              let made = 0;
              window.WebSocket = class RecordingWebSocket extends Native {
                constructor(url, protocols) {
                  super(url, protocols);
                  const conn = this.__conn = ++made;
                  record.push({what: 'new', conn: conn, t: Date.now()});
                  this.addEventListener('open', () => {
                    window.__webSocketsOpened++;
                    record.push({what: 'open', conn: conn, t: Date.now(), protocol: this.protocol});
                  });
                  this.addEventListener('message',
                      (e) => record.push({what: 'in', conn: conn, t: Date.now(), data: String(e.data)}));
                  this.addEventListener('close',
                      (e) => record.push({what: 'close', conn: conn, t: Date.now(), code: e.code}));
                }
                send(data) {
                  record.push({what: 'out', conn: this.__conn, t: Date.now(), data: String(data)});
                  super.send(data);
                }
              };
            })();
            """;

    /**
     * Installed once the page is up: every state of the jobs' rows ({@code row}: state, bar value and max) and of the
     * connection indicator ({@code connection}) that lasts to the end of a task, into the same {@code window.__record},
     * so that each stands between the frames before and after it.
     */
    private static final String PAGE_RECORDER = """
            window.__notReloaded = true;
            const record = window.__record;
            const body = document.getElementById('jobs-body');
            const connection = document.getElementById('connection');
            const last = new Map();
            const snap = () => {
              const t = Date.now();
              const c = connection.dataset.state + '/' + connection.dataset.transport;
              if (last.get('') !== c) {
                last.set('', c);
                record.push({what: 'connection', t: t, state: connection.dataset.state,
                    transport: connection.dataset.transport});
              }
              for (const row of body.querySelectorAll('tr[data-job-id]')) {
                const bar = row.querySelector('[data-field=progress]');
                const s = {what: 'row', t: t, job: row.dataset.jobId, state: row.dataset.state,
                    done: bar.getAttribute('value'), total: bar.getAttribute('max')};
                const key = s.state + '/' + s.done + '/' + s.total;
                if (last.get(s.job) !== key) {
                  last.set(s.job, key);
                  record.push(s);
                }
              }
            };
            new MutationObserver(snap).observe(body, {subtree: true, childList: true, attributes: true,
                attributeFilter: ['data-state', 'value', 'max']});
            new MutationObserver(snap).observe(connection, {attributes: true, childList: true, subtree: true});
            snap();
            """;

    /** On a failure: a screenshot, what the page said and how its connection went, and where the logs are. */
    @RegisterExtension
    static final TestWatcher EVIDENCE = JobPulsePage.failureEvidence(
            "ClusterBrowserIT", "cluster-failover-", () -> ClusterBrowserIT.page, ClusterBrowserIT::evidence);

    private static long classStarted;
    private static Cluster cluster;
    private static HaproxyProcess haproxy;
    private static Browser browser;
    private static JobPulsePage page;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Browser.installed(),
                "Debian chromium and chromium-driver are not installed (.ci/run installs them): ClusterBrowserIT skipped");
        Optional<Path> executable = HaproxyProcess.executable();
        assumeTrue(
                executable.isPresent(),
                "haproxy is not installed (apt-get install haproxy; .ci/run installs it): ClusterBrowserIT skipped");
        classStarted = System.nanoTime();
        cluster = Cluster.start("browser", 2, List.of());
        int frontend = PayaraMicroProcess.freePort();
        haproxy = HaproxyProcess.start(
                executable.get(),
                CONFIG.toAbsolutePath(),
                Map.of(
                        "JOBPULSE_NODE1", "127.0.0.1:" + cluster.node(0).base().getPort(),
                        "JOBPULSE_NODE2", "127.0.0.1:" + cluster.node(1).base().getPort(),
                        "JOBPULSE_LB_BIND", "127.0.0.1:" + frontend),
                frontend,
                cluster.workDir());
        awaitStatus(0, "UP");
        awaitStatus(1, "UP");
        browser = Browser.start(1280, 900);
        ((ChromeDriver) browser.driver())
                .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WEBSOCKET_RECORDER));
        page = new JobPulsePage(
                browser, URI.create("http://127.0.0.1:" + frontend + "/jobpulse/"), ApiClient.ALICE, WAIT);
        Duration booted = Duration.ofNanos(System.nanoTime() - classStarted);
        LOG.info(() -> "ClusterBrowserIT: two " + ServerProcess.kind() + " nodes, haproxy and Chromium up in "
                + booted.toMillis() + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (haproxy != null) {
                    haproxy.close();
                }
            } finally {
                if (cluster != null) {
                    cluster.close();
                    Duration ran = Duration.ofNanos(System.nanoTime() - classStarted);
                    LOG.info(() -> "ClusterBrowserIT ran " + ran.toMillis() + " ms, boot and shutdown included");
                }
            }
        }
    }

    @Test
    void thePageKeepsFollowingTheJobToItsEndThroughTheProxyWhenTheNodeHoldingItsWebSocketIsKilled() throws Exception {
        String id = submitFromThePage();
        ClusterNode doomed =
                node(cluster.node(0).client(ApiClient.ALICE).job(id).getString("node"));
        ClusterNode survivor = doomed == cluster.node(0) ? cluster.node(1) : cluster.node(0);
        ClusterNode holder = nodeHoldingThePagesWebSocket();
        // leastconn gives the page's WebSocket and its submit different nodes, and any node may claim the job: the
        // page is usually watching from the node that does not run the job. For the kill to cost the page its
        // connection and the job its run at once, the page's WebSocket is moved onto the job's node first, as an
        // operator would take a node out: drained, and its sessions shut (the page reconnects by itself).
        Duration moved = holder == doomed ? Duration.ZERO : moveThePagesWebSocket(holder, doomed);
        assertThat(nodeHoldingThePagesWebSocket()).isSameAs(doomed);
        assertThat(page.progressOf(id)).as("the job is still running").isLessThan(STEPS);
        browser.screenshot("cluster-failover-before-kill");
        long opened = webSocketsOpened();

        script("window.__record.push({what: 'kill', t: Date.now()});");
        long killedAt = System.nanoTime();
        doomed.kill();
        Duration reconnect = Await.until(
                "the page to open a WebSocket again after " + doomed + " was killed",
                WAIT,
                Duration.ofMillis(20),
                () -> webSocketsOpened() > opened);
        Await.until("the page's new WebSocket to be on " + survivor, WAIT, () -> webSockets(survivor) == 1);
        awaitStatus(cluster.nodes().indexOf(doomed), "DOWN");
        Duration markedDown = Duration.ofNanos(System.nanoTime() - killedAt);
        browser.waiting(JOB_TIMEOUT).until(d -> "SUCCEEDED".equals(page.stateOf(id)));
        Duration toTheEnd = Duration.ofNanos(System.nanoTime() - killedAt);
        // the page ended its watch; its WebSocket stays open, live, with nothing to watch
        browser.waiting(WAIT).until(d -> "live".equals(page.connectionState()));
        browser.screenshot("cluster-failover-end");

        JsonObject done = survivor.client(ApiClient.ALICE).job(id);
        List<JsonObject> record = record();
        LOG.info(() -> String.format(
                "ClusterBrowserIT: the job ran on %s; the page's WebSocket was on %s%s. After the kill of %s the"
                        + " page had a WebSocket open again in %d ms; haproxy had marked the node DOWN %d ms after"
                        + " the kill; the page showed SUCCEEDED %d ms after the kill. Its connection went %s",
                doomed.id(),
                holder.id(),
                holder == doomed ? "" : " and moved to it in " + moved.toMillis() + " ms",
                doomed.id(),
                reconnect.toMillis(),
                markedDown.toMillis(),
                toTheEnd.toMillis(),
                connectionTrace(record)));

        assertThat(script("return window.__notReloaded === true;"))
                .as("the page recovered without a reload")
                .isEqualTo(true);
        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getString("node"))
                .as("recovered and run again by the survivor")
                .isEqualTo(survivor.id());
        assertThat(storedStates(id))
                .as("the stored history: run, recovered by the survivor, run again to the end")
                .containsExactly("QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(storedTerminalEvents(id))
                .as("one terminal event, the last")
                .containsExactly(done.getJsonNumber("seq").longValue());

        // frames may still arrive on the old connection between the mark and the kill: "before" is before the reopen
        int reopened = indexOf(record, "open", indexOf(record, "kill"));
        long lastBeforeKill = max(ClusterWatch.eventSeqs(received(record.subList(0, reopened)), id));
        JsonObject resubscribe = subscribe(record.subList(reopened, record.size()), id);
        assertThat(resubscribe.getJsonNumber("since").longValue())
                .as("the page resumed after the last event it had: %s", resubscribe)
                .isEqualTo(lastBeforeKill);
        List<JsonObject> afterReconnect = received(record.subList(reopened, record.size()));
        ClusterWatch.assertNoGap(afterReconnect, id, lastBeforeKill + 1, done.getInt("seq"), "the page after the kill");
        ClusterWatch.assertEndsWith(afterReconnect, id, "SUCCEEDED");
        LOG.info(() -> "ClusterBrowserIT: the page resubscribed with since " + lastBeforeKill + " and got seqs "
                + ClusterWatch.eventSeqs(afterReconnect, id) + "; the job's states after the reconnect: "
                + ClusterWatch.stateEvents(afterReconnect, id));
        long firstSince = subscribe(record, id).getJsonNumber("since").longValue();
        ClusterWatch.assertNoGap(
                received(record), id, firstSince + 1, done.getInt("seq"), "the page, on all its connections");

        // what the page showed after the reconnect: the bar stays until the re-queue, and the re-run starts again
        int requeue = indexOfRequeue(record, reopened, id);
        List<Long> untilRequeue = progressShown(record.subList(reopened, requeue), id);
        List<Long> rerun = progressShown(record.subList(requeue, record.size()), id);
        LOG.info(() -> "ClusterBrowserIT: the page's bar after the reconnect: " + untilRequeue + ", from the re-queue: "
                + rerun);
        assertThat(untilRequeue)
                .as("until the re-queue the bar never goes back")
                .isSorted();
        JobPulsePage.assertRose(rerun, STEPS);
        assertThat(page.transport())
                .as("the page is back on WebSocket, through the proxy")
                .isEqualTo("websocket");
        assertThat(webSockets(survivor))
                .as("the page's WebSocket is on the survivor")
                .isEqualTo(1);
    }

    /**
     * Takes {@code from} out of haproxy's rotation (drain) and shuts its sessions, the page's WebSocket among them;
     * waits until the page has reconnected on {@code to} and is live again, then puts {@code from} back. How long
     * the move took.
     */
    private static Duration moveThePagesWebSocket(ClusterNode from, ClusterNode to) throws Exception {
        int index = cluster.nodes().indexOf(from);
        long opened = webSocketsOpened();
        long started = System.nanoTime();
        setState(index, "drain", "DRAIN");
        try {
            assertThat(haproxy.command("shutdown sessions server " + BACKEND + "/node" + (index + 1)))
                    .isBlank();
            Await.until(
                    "the page's WebSocket to move from " + from + " to " + to,
                    WAIT,
                    () -> webSocketsOpened() > opened && webSockets(to) == 1 && webSockets(from) == 0);
            browser.waiting(WAIT)
                    .until(d -> "live".equals(page.connectionState()) && "websocket".equals(page.transport()));
        } finally {
            setState(index, "ready", "UP");
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static ClusterNode node(String id) {
        return cluster.nodes().stream()
                .filter(n -> n.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in the cluster"));
    }

    /** Opens the page, submits the job from its form, and waits until the page shows it running, live on WebSocket. */
    private static String submitFromThePage() {
        page.open("");
        script(PAGE_RECORDER);
        String id = page.submitSteps(STEPS, INTERVAL_MS, null);
        browser.waiting(WAIT)
                .until(d -> "RUNNING".equals(page.stateOf(id))
                        && page.progressOf(id) >= 4
                        && "live".equals(page.connectionState())
                        && "websocket".equals(page.transport()));
        return id;
    }

    /** For a failure's report: how the page's connection went, where the logs are, haproxy's last lines. */
    private static String evidence() throws Exception {
        List<String> haproxyLines =
                haproxy == null ? List.of() : haproxy.log().lines().toList();
        return "\n  the page's connection, in order: " + connectionTrace(record())
                + "\n  nodes' and haproxy's logs in " + cluster.workDir()
                + "\n  haproxy's log, last lines:\n    "
                + String.join(
                        "\n    ", haproxyLines.subList(Math.max(0, haproxyLines.size() - 40), haproxyLines.size()));
    }

    // ---- the cluster and the proxy ----

    /** The node whose {@code webSocketConnections} is the page's one WebSocket (the other node has none). */
    private static ClusterNode nodeHoldingThePagesWebSocket() throws Exception {
        ClusterNode[] holder = new ClusterNode[1];
        Await.until("exactly one node to hold the page's one WebSocket", WAIT, () -> {
            int first = webSockets(cluster.node(0));
            int second = webSockets(cluster.node(1));
            holder[0] = first + second != 1 ? null : first == 1 ? cluster.node(0) : cluster.node(1);
            return holder[0] != null;
        });
        return holder[0];
    }

    /** {@code webSocketConnections} of {@code GET /jobpulse/api/node}, asked of the node directly. */
    private static int webSockets(ClusterNode node) {
        HttpResponse<String> answer = node.client(ApiClient.ALICE).get("api/node");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body()).getInt("webSocketConnections");
    }

    /** {@code set server ... state <state>} for the node of this index; waits until haproxy shows {@code status}. */
    private static void setState(int index, String state, String status) throws Exception {
        assertThat(haproxy.command("set server " + BACKEND + "/node" + (index + 1) + " state " + state))
                .isBlank();
        awaitStatus(index, status);
    }

    /** Waits until haproxy gives the node of this index (node1, node2 in its file) this status. */
    private static void awaitStatus(int index, String status) throws Exception {
        String server = "node" + (index + 1);
        Await.until(
                "haproxy's status of " + server + " to be " + status,
                WAIT,
                () -> haproxy.status(BACKEND, server).equals(status));
    }

    /** The states of the job's stored STATE events, in seq order. */
    private static List<String> storedStates(String id) throws Exception {
        return storedSeqsAndStates(id, "SELECT seq, state FROM jp_job_event WHERE job_id = ? AND kind = 'STATE'")
                .stream()
                .map(row -> row.substring(row.indexOf(' ') + 1))
                .toList();
    }

    /** The seqs of the job's stored terminal events. */
    private static List<Long> storedTerminalEvents(String id) throws Exception {
        return storedSeqsAndStates(
                        id,
                        "SELECT seq, state FROM jp_job_event WHERE job_id = ?"
                                + " AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")
                .stream()
                .map(row -> Long.parseLong(row.substring(0, row.indexOf(' '))))
                .toList();
    }

    /** "seq state" of each row that {@code query} (on the job's id) finds, in seq order. */
    private static List<String> storedSeqsAndStates(String id, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = cluster.database().getConnection();
                PreparedStatement ps = c.prepareStatement(query + " ORDER BY seq")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + " " + rs.getString(2));
                }
            }
        }
        return rows;
    }

    // ---- what the page recorded ----

    private static Object script(String script) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script);
    }

    private static long webSocketsOpened() {
        return ((Number) script("return window.__webSocketsOpened;")).longValue();
    }

    /** Everything {@link #WEBSOCKET_RECORDER} and {@link #PAGE_RECORDER} recorded, in order. */
    private static List<JsonObject> record() {
        String json = (String) script("return JSON.stringify({record: window.__record || []});");
        return Json.parse(json).getJsonArray("record").getValuesAs(JsonObject.class);
    }

    /** The index of the first entry at or after {@code from} that is a {@code what}. */
    private static int indexOf(List<JsonObject> record, String what, int from) {
        for (int i = from; i < record.size(); i++) {
            if (what.equals(record.get(i).getString("what"))) {
                return i;
            }
        }
        throw new AssertionError("the page recorded no '" + what + "' after entry " + from + ": " + record);
    }

    private static int indexOf(List<JsonObject> record, String what) {
        return indexOf(record, what, 0);
    }

    /** The index of the frame, at or after {@code from}, that brought the job's re-queue by the survivor. */
    private static int indexOfRequeue(List<JsonObject> record, int from, String id) {
        for (int i = from; i < record.size(); i++) {
            if (!"in".equals(record.get(i).getString("what"))) {
                continue;
            }
            for (JsonObject m : messages(record.get(i))) {
                if ("event".equals(m.getString("type"))
                        && id.equals(m.getString("job"))
                        && "QUEUED".equals(m.getString("state"))) {
                    return i;
                }
            }
        }
        throw new AssertionError("the page received no re-queue of " + id + " after it reconnected");
    }

    /** The messages of every frame the page received, in order, those of a {@code batch} frame one by one. */
    private static List<JsonObject> received(List<JsonObject> record) {
        return record.stream()
                .filter(e -> "in".equals(e.getString("what")))
                .flatMap(e -> messages(e).stream())
                .toList();
    }

    private static List<JsonObject> messages(JsonObject frame) {
        JsonObject message = Json.parse(frame.getString("data"));
        return "batch".equals(message.getString("type"))
                ? message.getJsonArray("messages").getValuesAs(JsonObject.class)
                : List.of(message);
    }

    /** The first subscribe to {@code id} the page sent in {@code record}. */
    private static JsonObject subscribe(List<JsonObject> record, String id) {
        return record.stream()
                .filter(e -> "out".equals(e.getString("what")))
                .map(e -> Json.parse(e.getString("data")))
                .filter(m -> "subscribe".equals(m.getString("type")) && id.equals(m.getString("job")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the page sent no subscribe to " + id + ": " + record));
    }

    /** The values the job's bar took in {@code record} (its state QUEUED left out: a queued job shows no run). */
    private static List<Long> progressShown(List<JsonObject> record, String id) {
        List<Long> values = new ArrayList<>();
        for (JsonObject e : record) {
            if ("row".equals(e.getString("what"))
                    && id.equals(e.getString("job"))
                    && !"QUEUED".equals(e.getString("state"))) {
                long value = e.isNull("done") ? 0 : Math.round(Double.parseDouble(e.getString("done")));
                if (values.isEmpty() || values.get(values.size() - 1) != value) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** How the connection indicator went, "state/transport" after "state/transport", and where the kill was. */
    private static String connectionTrace(List<JsonObject> record) {
        return record.stream()
                .filter(e -> List.of("connection", "kill").contains(e.getString("what")))
                .map(e -> "kill".equals(e.getString("what"))
                        ? "[kill -9]"
                        : e.getString("state") + "/" + e.getString("transport"))
                .collect(Collectors.joining(" → "));
    }

    private static long max(List<Long> values) {
        return values.stream()
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow(() -> new AssertionError("the page received no event before the kill"));
    }
}
