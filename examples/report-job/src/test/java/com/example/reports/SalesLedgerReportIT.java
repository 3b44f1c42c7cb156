package com.example.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The overlay WAR on a real server (Tomcat or WildFly started by Cargo, or Payara Micro, before this test: see pom.xml's
 * profiles): JobPulse lists the new type,
 * validates its parameters with the handler's own check, runs a job of it submitted over REST and streams its events
 * over the WebSocket to the end, and stops it when cancelled. Talks to the server as any client would: the JDK's HTTP
 * and WebSocket client, JSON-P, the protocol of JobPulse's docs/api.md and docs/protocol.md.
 */
class SalesLedgerReportIT {

    private static final String BASE = System.getProperty("jobpulse.url", "http://localhost:8080/jobpulse");
    private static final String KEY = System.getProperty("jobpulse.api-key");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Until JobPulse says it is ready (at most 4 minutes): Cargo waited for that already on Tomcat and WildFly, the
     * payara profile starts Payara Micro in the background and goes on.
     */
    @BeforeAll
    static void awaitReady() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            try {
                int status = client.send(
                                HttpRequest.newBuilder(URI.create(BASE + "/health/ready"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "JobPulse at " + BASE + " not ready within 4 minutes");
            Thread.sleep(500);
        }
    }

    @Test
    void listsTheNewTypeWithItsParameters() throws Exception {
        JsonObject types = json(send(HttpRequest.newBuilder(URI.create(BASE + "/api/job-types")), 200));

        JsonObject type = types.getJsonArray("types").getValuesAs(JsonObject.class).stream()
                .filter(t -> t.getString("name").equals("sales-ledger-report"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sales-ledger-report in " + types));
        assertEquals(false, type.getBoolean("external"));
        assertEquals(
                List.of("from", "to", "entries", "batchSize", "pauseMs", "seed"),
                type.getJsonArray("parameters").getValuesAs(JsonObject.class).stream()
                        .map(p -> p.getString("name"))
                        .toList());
    }

    @Test
    void refusesParametersThatFailTheHandlersOwnCheck() throws Exception {
        String body = submit("{\"from\":\"2026-06\",\"to\":\"2026-01\",\"entries\":1000}", 422);

        assertTrue(body.contains("must not be before from (2026-06)"), body);
    }

    @Test
    void runsAJobSubmittedOverRestAndStreamsItsEventsInOrderToTheResult() throws Exception {
        JsonObject job = json(submit(
                "{\"from\":\"2026-01\",\"to\":\"2026-06\",\"entries\":200000,\"batchSize\":20000,\"pauseMs\":100,"
                        + "\"seed\":42}",
                202));

        List<JsonObject> events = watchToTheEnd(job);

        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).getInt("seq"), "no gap, no repeat: " + events);
        }
        assertEquals("QUEUED", events.get(0).getString("state"));
        assertEquals("RUNNING", events.get(1).getString("state"));
        List<Long> done = new ArrayList<>();
        for (JsonObject event : events.subList(2, events.size() - 1)) {
            assertEquals("progress", event.getString("kind"), event.toString());
            assertEquals(
                    200_000,
                    event.getJsonObject("progress").getJsonNumber("total").longValue());
            done.add(event.getJsonObject("progress").getJsonNumber("done").longValue());
        }
        assertTrue(done.size() >= 3, "progress while the job ran: " + done);
        assertEquals(done.stream().sorted().toList(), done, "progress only grows");
        assertEquals(200_000L, done.get(done.size() - 1));

        JsonObject end = events.get(events.size() - 1);
        assertEquals("SUCCEEDED", end.getString("state"), end.toString());
        assertEquals(expectedReport(), plain(end.getJsonObject("result")));
    }

    @Test
    void stopsAJobCancelledOverRest() throws Exception {
        JsonObject job = json(submit(
                "{\"from\":\"2026-01\",\"to\":\"2026-12\",\"entries\":1000000,\"batchSize\":1000,\"pauseMs\":200}",
                202));
        LinkedBlockingDeque<JsonObject> messages = new LinkedBlockingDeque<>();
        WebSocket socket = subscribe(job, messages);
        try {
            JsonObject event;
            do {
                event = next(messages);
            } while (!event.getString("kind", "").equals("progress")
                    || event.getJsonObject("progress").getJsonNumber("done").longValue() == 0);

            send(
                    HttpRequest.newBuilder(URI.create(BASE + "/api/jobs/" + job.getString("id") + "/cancel"))
                            .header("Authorization", "Bearer " + KEY)
                            .POST(HttpRequest.BodyPublishers.noBody()),
                    202);

            do {
                event = next(messages);
            } while (!isTerminal(event));
            assertEquals("CANCELLED", event.getString("state"), event.toString());
            assertTrue(event.getJsonObject("progress").getJsonNumber("done").longValue() < 1_000_000, event.toString());
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /** Every event of the job from the first, over one WebSocket, up to its terminal state. */
    private List<JsonObject> watchToTheEnd(JsonObject job) throws Exception {
        LinkedBlockingDeque<JsonObject> messages = new LinkedBlockingDeque<>();
        WebSocket socket = subscribe(job, messages);
        try {
            List<JsonObject> events = new ArrayList<>();
            JsonObject event;
            do {
                event = next(messages);
                events.add(event);
            } while (!isTerminal(event));
            return events;
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /** Subscribes to the job from its first event; returns the socket once the server confirmed the subscription. */
    private WebSocket subscribe(JsonObject job, LinkedBlockingDeque<JsonObject> events) throws Exception {
        LinkedBlockingDeque<JsonObject> all = new LinkedBlockingDeque<>();
        WebSocket socket = http.newWebSocketBuilder()
                .subprotocols("jobpulse.v1")
                .buildAsync(URI.create(job.getJsonObject("links").getString("watch")), new Collecting(all, events))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("jobpulse.v1", socket.getSubprotocol());
        socket.sendText(
                        Json.createObjectBuilder()
                                .add("type", "subscribe")
                                .add("job", job.getString("id"))
                                .add("token", job.getString("watchToken"))
                                .add("since", 0)
                                .build()
                                .toString(),
                        true)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonObject first = all.pollFirst(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(first, "no answer to subscribe");
        assertEquals("subscribed", first.getString("type"), first.toString());
        assertTrue(first.getBoolean("resumed"), first.toString());
        return socket;
    }

    private static JsonObject next(LinkedBlockingDeque<JsonObject> events) throws InterruptedException {
        JsonObject event = events.pollFirst(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(event, "no event within " + WAIT);
        return event;
    }

    private static boolean isTerminal(JsonObject event) {
        return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(event.getString("state"));
    }

    /** The report the handler computes for the IT's parameters, here in the test JVM. */
    private static Map<String, Object> expectedReport() {
        SalesLedger ledger = new SalesLedger(YearMonth.of(2026, 1), YearMonth.of(2026, 6), 200_000, 42);
        ledger.book(200_000);
        return ledger.report();
    }

    /** JSON as the handler's result map holds it: integers as Long, except months (Integer). */
    private static Map<String, Object> plain(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.forEach((key, value) -> map.put(key, plain(key, value)));
        return map;
    }

    private static Object plain(String key, JsonValue value) {
        switch (value.getValueType()) {
            case OBJECT:
                return plain(value.asJsonObject());
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
                long n = ((JsonNumber) value).longValueExact();
                return key.equals("months") ? (Object) (int) n : (Object) n;
            default:
                throw new AssertionError("unexpected " + key + ": " + value);
        }
    }

    private String submit(String params, int status) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(BASE + "/api/jobs"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"type\":\"sales-ledger-report\",\"name\":\"it\",\"params\":" + params + "}")),
                status);
    }

    private String send(HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** Collects whole text messages; events go to {@code events} once the subscription was answered. */
    private static final class Collecting implements WebSocket.Listener {

        private final LinkedBlockingDeque<JsonObject> opening;
        private final LinkedBlockingDeque<JsonObject> events;
        private final StringBuilder text = new StringBuilder();

        Collecting(LinkedBlockingDeque<JsonObject> opening, LinkedBlockingDeque<JsonObject> events) {
            this.opening = opening;
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject message = json(text.toString());
                text.setLength(0);
                (message.getString("type").equals("event") ? events : opening).add(message);
            }
            socket.request(1);
            return null;
        }
    }
}
