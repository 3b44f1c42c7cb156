package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow and dead clients (issue 5, item 4) on the real server: a client that never reads, one that reads at a
 * trickle, and one that goes silent. Chatty jobs report up to 1000 progress events a second. A {@link Bystander}
 * on the same node must be served on time throughout, and the node's heap and threads stay bounded.
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumersIT {

    private static final Logger LOG = Logger.getLogger(SlowConsumersIT.class.getName());
    /** Above the trickle reader's worst ping delay: the send window (64 KiB) read at 20 KB/s takes about 3.2 s. */
    private static final Duration MAX_LAG = Duration.ofSeconds(8);

    private static final Duration IDLE = Duration.ofSeconds(20);
    private static final int SMALL_RECEIVE_BUFFER = 4096;
    /** A slow mobile link: about 80 progress events a second, while the job makes about 1000. */
    private static final int TRICKLE_BYTES_PER_SECOND = 20_000;

    private static final Duration TRICKLE_PHASE = Duration.ofSeconds(15);
    /**
     * What a trickle reader may lag behind: the socket buffers between the outbox and the reader (the server's send
     * buffer, capped in server-config, and the client's receive buffer) drain at its pace; without coalescing the
     * lag would grow by about 12 s every second.
     */
    private static final Duration MAX_STALENESS = Duration.ofSeconds(6);

    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static Bystander bystander;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarWith(Map.of(
                "jobpulse.progress-rate", "1000",
                "jobpulse.ws.max-lag", MAX_LAG.toSeconds() + "s",
                "jobpulse.ws.idle-timeout", IDLE.toSeconds() + "s"));
    }

    @ArquillianResource
    URL deployment;

    private ApiClient alice;
    private URI ws;
    private final List<String> chatty = new ArrayList<>();

    @BeforeEach
    void clients(TestInfo test) throws Exception {
        alice = new ApiClient(ApiClient.loopback(deployment), ApiClient.ALICE);
        ws = alice.wsUri();
        if (bystander == null) {
            bystander = Bystander.start(alice, ws);
        }
        bystander.hostilePhase(test.getDisplayName());
    }

    @AfterEach
    void bystanderServedOnTime() throws Exception {
        for (String job : chatty) {
            alice.post("api/jobs/" + job + "/cancel", "");
        }
        bystander.assertServedOnTime();
    }

    @AfterAll
    static void nodeStayedBounded() throws Exception {
        if (bystander != null) {
            try (Bystander finishing = bystander) {
                LOG.info("SlowConsumersIT on " + ServerProcess.kind() + ": " + finishing.finish());
            } finally {
                bystander = null;
            }
        }
    }

    /** A job that reports progress about 1000 times a second (a step every millisecond) for up to 100 s. */
    private JsonObject chattyJob() {
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":100000,\"intervalMs\":1}}");
        chatty.add(job.getString("id"));
        return job;
    }

    private static String subscribe(JsonObject job) {
        return "{\"type\":\"subscribe\",\"job\":\"" + job.getString("id") + "\",\"token\":\""
                + job.getString("watchToken") + "\"}";
    }

    private long counter(String name) {
        return Json.parse(alice.get("api/node").body())
                .getJsonObject("counters")
                .getJsonNumber(name)
                .longValue();
    }

    private int connections() {
        return Json.parse(alice.get("api/node").body()).getInt("webSocketConnections");
    }

    @Test
    void aClientThatNeverReadsIsClosedWith4008AndNothingItWasSentBreaksTheSeqRule() throws Exception {
        long lagging = counter("ws-closed-lagging");
        JsonObject first = chattyJob();
        JsonObject second = chattyJob();
        try (RawWebSocket stalled =
                RawWebSocket.to(ws).receiveBuffer(SMALL_RECEIVE_BUFFER).open()) {
            assertThat(stalled.status()).isEqualTo(101);
            stalled.send(Frames.text(subscribe(first)));
            stalled.send(Frames.text(subscribe(second)));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (counter("ws-closed-lagging") == lagging && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertThat(counter("ws-closed-lagging")).as("lagging closes").isGreaterThan(lagging);

            SeqCheck check = new SeqCheck();
            Integer code = readAll(stalled, check, Duration.ofSeconds(30));
            // the close frame waits behind what the client never read; a container that gives up writing it drops
            // the connection instead (the server-side count above is the close itself)
            if (code != null) {
                assertThat(code)
                        .as("the close the stalled client finds when it reads again")
                        .isEqualTo(4008);
            }
            check.assertConsistent();
            LOG.info(() -> "never-reading client on " + ServerProcess.kind() + ": " + check + ", then "
                    + (code == null ? "connection dropped" : "close " + code));
        }
    }

    @Test
    void aClientThatReadsAtATrickleKeepsSeeingTheLatestProgressAndEveryStateChange() throws Exception {
        long coalesced = counter("ws-progress-coalesced");
        JsonObject job = chattyJob();
        alice.awaitJob(job.getString("id"), j -> j.getString("state").equals("RUNNING"), Duration.ofSeconds(20));
        SeqCheck check = new SeqCheck();
        try (RawWebSocket trickle =
                RawWebSocket.to(ws).receiveBuffer(SMALL_RECEIVE_BUFFER).open()) {
            trickle.send(Frames.text(subscribe(job)));
            long end = System.nanoTime() + TRICKLE_PHASE.toNanos();
            while (System.nanoTime() < end) {
                trickleRead(trickle, check);
            }
            Duration staleness = Duration.between(check.lastEventAt(), Instant.now());
            assertThat(staleness)
                    .as("age of the latest event the trickle reader got after " + TRICKLE_PHASE + " at "
                            + TRICKLE_BYTES_PER_SECOND + " bytes/s")
                    .isLessThan(MAX_STALENESS);

            alice.post("api/jobs/" + job.getString("id") + "/cancel", "");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!check.ended() && System.nanoTime() < deadline) {
                trickleRead(trickle, check);
            }
            assertThat(check.ended())
                    .as("the terminal event reached the trickle reader")
                    .isTrue();
            check.assertConsistent();
            assertThat(check.skippedEvents())
                    .as("progress events skipped for the trickle reader")
                    .isPositive();
            assertThat(check.batches())
                    .as("batch frames sent to a jobpulse.v1 client")
                    .isZero();
            LOG.info(() -> "trickle reader: " + check + ", staleness " + staleness.toMillis() + " ms");
        }
        assertThat(counter("ws-progress-coalesced")).isGreaterThan(coalesced);
    }

    @Test
    void aV2ClientThatFallsBehindGetsWhatWaitedInBatchFramesInOrder() throws Exception {
        long batches = counter("ws-batches-sent");
        List<JsonObject> jobs = List.of(chattyJob(), chattyJob(), chattyJob());
        for (JsonObject job : jobs) {
            alice.awaitJob(job.getString("id"), j -> j.getString("state").equals("RUNNING"), Duration.ofSeconds(20));
        }
        SeqCheck check = new SeqCheck();
        try (RawWebSocket trickle = RawWebSocket.to(ws)
                .protocol("jobpulse.v2, jobpulse.v1")
                .receiveBuffer(SMALL_RECEIVE_BUFFER)
                .open()) {
            assertThat(trickle.header("Sec-WebSocket-Protocol")).contains("jobpulse.v2");
            for (JsonObject job : jobs) {
                trickle.send(Frames.text(subscribe(job)));
            }
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < end) {
                trickleRead(trickle, check);
            }
            for (JsonObject job : jobs) {
                alice.post("api/jobs/" + job.getString("id") + "/cancel", "");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (check.endedJobs() < jobs.size() && System.nanoTime() < deadline) {
                trickleRead(trickle, check);
            }
            assertThat(check.endedJobs())
                    .as("terminal events that reached the v2 trickle reader")
                    .isEqualTo(jobs.size());
            check.assertConsistent();
            assertThat(check.batches()).as("batch frames").isPositive();
            assertThat(check.largestBatch()).as("messages in the largest batch").isGreaterThan(1);
            LOG.info(() -> "v2 trickle reader: " + check);
        }
        assertThat(counter("ws-batches-sent")).isGreaterThan(batches);
    }

    @Test
    void aClientThatGoesSilentIsReapedWithinTheIdleBound() throws Exception {
        long idle = counter("ws-closed-idle");
        // a quiet job: too few bytes flow for a ping, so the idle bound, not the lag bound, must find the client
        JsonObject job = alice.submit("{\"type\":\"steps\",\"params\":{\"count\":600,\"intervalMs\":1000}}");
        chatty.add(job.getString("id"));
        int before = connections();
        RawWebSocket silent =
                RawWebSocket.to(ws).receiveBuffer(SMALL_RECEIVE_BUFFER).open();
        try {
            silent.send(Frames.text(subscribe(job)));
            long opened = System.nanoTime();
            // the container answers 101 before it opens the session: wait until the node counts it
            long counted = opened + Duration.ofSeconds(10).toNanos();
            while (connections() <= before && System.nanoTime() < counted) {
                Thread.sleep(50);
            }
            assertThat(connections()).isEqualTo(before + 1);
            long deadline = opened + IDLE.plus(Duration.ofSeconds(15)).toNanos();
            while (connections() > before && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Duration reaped = Duration.ofNanos(System.nanoTime() - opened);
            assertThat(connections())
                    .as("open connections after the silent client's idle bound")
                    .isEqualTo(before);
            assertThat(reaped).isBetween(IDLE.minusSeconds(1), IDLE.plus(Duration.ofSeconds(15)));
            assertThat(counter("ws-closed-idle")).isGreaterThan(idle);
            LOG.info(() ->
                    "silent client reaped after " + reaped.toMillis() + " ms (idle bound " + IDLE.toMillis() + " ms)");
        } finally {
            silent.close();
        }
    }

    /**
     * Reads one frame, answering a ping as every WebSocket client does, then waits as long as its bytes take at
     * {@link #TRICKLE_BYTES_PER_SECOND}.
     */
    private static void trickleRead(RawWebSocket socket, SeqCheck check) throws Exception {
        Frames.Frame frame = socket.read(Duration.ofSeconds(10));
        assertThat(frame.isClose())
                .as("the trickle reader is not closed: " + frame)
                .isFalse();
        if (frame.opcode() == PING) {
            socket.send(Frames.frame(PONG).payload(frame.payload()));
        } else {
            check.frame(frame);
        }
        Thread.sleep(Math.max(1, (frame.payload().length + 2) * 1000L / TRICKLE_BYTES_PER_SECOND));
    }

    /**
     * Reads whatever is left until the close frame (answers its code) or the end of the stream (answers null),
     * checking every message.
     */
    private static Integer readAll(RawWebSocket socket, SeqCheck check, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Frames.Frame frame;
            try {
                frame = socket.read(Duration.ofSeconds(5));
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return null;
            }
            if (frame.isClose()) {
                return frame.closeCode();
            }
            check.frame(frame);
        }
        throw new AssertionError("no close within " + wait);
    }

    /**
     * The protocol's ordering rule, per job: {@code seq} strictly increases, and every gap is announced by a
     * {@code skipped} range on the event after it, covering exactly the gap.
     */
    private static final class SeqCheck {
        /** A text message the container sent in fragments (a TEXT frame without FIN, then continuations). */
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        private final Map<String, Long> last = new HashMap<>();
        private final List<String> violations = new ArrayList<>();
        private int events;
        private long skipped;
        private boolean ended;
        private Instant lastEventAt = Instant.EPOCH;

        private int batches;
        private int largestBatch;
        private final java.util.Set<String> endedJobs = new java.util.HashSet<>();

        /** Checks the message a text or continuation frame completes; other frames are no message. */
        void frame(Frames.Frame frame) {
            if (frame.opcode() != Frames.TEXT && frame.opcode() != Frames.CONTINUATION) {
                return;
            }
            pending.writeBytes(frame.payload());
            if (frame.fin()) {
                String text = pending.toString(java.nio.charset.StandardCharsets.UTF_8);
                pending.reset();
                accept(Json.parse(text));
            }
        }

        void accept(JsonObject message) {
            if (message.getString("type").equals("batch")) {
                batches++;
                var messages = message.getJsonArray("messages");
                largestBatch = Math.max(largestBatch, messages.size());
                if (messages.size() < 2) {
                    violations.add("a batch of " + messages.size() + " messages");
                }
                for (int i = 0; i < messages.size(); i++) {
                    JsonObject inner = messages.getJsonObject(i);
                    if (inner.getString("type").equals("batch")) {
                        violations.add("a batch inside a batch");
                    }
                    accept(inner);
                }
                return;
            }
            if (!message.getString("type").equals("event")) {
                return;
            }
            events++;
            String job = message.getString("job");
            long seq = message.getJsonNumber("seq").longValue();
            Long previous = last.get(job);
            if (message.containsKey("skipped")) {
                JsonObject range = message.getJsonObject("skipped");
                long from = range.getJsonNumber("from").longValue();
                long to = range.getJsonNumber("to").longValue();
                if (previous != null && from != previous + 1 || to != seq - 1 || from > to) {
                    violations.add("seq " + seq + " after " + previous + " with skipped " + range);
                }
                if (!message.getString("kind").equals("progress")) {
                    violations.add("a " + message.getString("kind") + " event stood for skipped events: " + message);
                }
                skipped += to - from + 1;
            } else if (previous != null && seq != previous + 1) {
                violations.add("seq " + seq + " after " + previous + " without skipped");
            }
            last.put(job, seq);
            lastEventAt = Instant.parse(message.getString("at"));
            boolean terminal = !message.getString("state").equals("RUNNING")
                    && !message.getString("state").equals("QUEUED");
            ended |= terminal;
            if (terminal) {
                endedJobs.add(job);
            }
        }

        void assertConsistent() {
            assertThat(violations).as("ordering rule violations").isEmpty();
            assertThat(events).as("events received").isPositive();
        }

        long skippedEvents() {
            return skipped;
        }

        boolean ended() {
            return ended;
        }

        int endedJobs() {
            return endedJobs.size();
        }

        int batches() {
            return batches;
        }

        int largestBatch() {
            return largestBatch;
        }

        Instant lastEventAt() {
            return lastEventAt;
        }

        @Override
        public String toString() {
            return events + " events, " + skipped + " skipped by coalescing, " + batches + " batch frames (largest "
                    + largestBatch + " messages)";
        }
    }
}
