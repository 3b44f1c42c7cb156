package io.jobpulse.client;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client's one WebSocket (docs/protocol.md), carrying every {@link Watch} of the client: opened with the first
 * watch, closed after the last. Subscribes each watch with the last {@code seq} it delivered as {@code since}, so after
 * a dropped connection it resumes where it was; reconnects with exponential backoff and full jitter; pings every
 * {@code pingInterval} and drops a connection whose previous ping got no pong by then. Close codes 1003, 1007, 1009
 * and 4500-4999 are final (the watches fail), and so is a handshake refused with a 4xx but 408 and 429; every other
 * close and failure is retried. A watch whose token the server accepted before and refuses now ({@code not_found}: a
 * watch token expires, {@code jobpulse.token-ttl}, 24 h by default) gets a fresh token from {@code freshToken} once and
 * subscribes again; if that fails too, the watch fails with the refusal.
 */
final class WatchConnection {

    private static final System.Logger LOG = System.getLogger(WatchConnection.class.getName());

    /** What a close without a close frame is reported as (RFC 6455). */
    static final int ABNORMAL = 1006;

    private final HttpClient http;
    private final URI uri;
    private final JobPulseClient.Settings settings;
    private final ScheduledExecutorService timers;
    private final Function<String, String> freshToken;

    private final Object lock = new Object();
    // everything below is guarded by lock
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private WebSocket socket; // open and subscribed-to, or null
    private long generation; // one per connection attempt; callbacks of an older one are ignored
    private boolean connecting;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> pinger;
    private boolean pongDue;
    private long pings;
    private int failures; // connection attempts in a row without a subscription answered
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private boolean closed;

    /** {@code freshToken}: a job's id to a new watch token of it (the client's {@code GET /api/jobs/{id}}). */
    WatchConnection(
            HttpClient http,
            URI uri,
            JobPulseClient.Settings settings,
            ScheduledExecutorService timers,
            Function<String, String> freshToken) {
        this.http = http;
        this.uri = uri;
        this.settings = settings;
        this.timers = timers;
        this.freshToken = freshToken;
    }

    /** Starts delivering to {@code watch}: subscribes it now if the connection is open, else once it is. */
    void add(Watch watch) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            if (watches.containsKey(watch.jobId())) {
                throw new IllegalStateException("job " + watch.jobId() + " is already watched by this client");
            }
            watches.put(watch.jobId(), watch);
            if (socket != null) {
                send(socket, subscribe(watch));
            } else if (!connecting && reconnect == null) {
                connect();
            }
        }
    }

    /** Stops delivering to {@code watch}; tells the server when it still sends ({@code unsubscribe}). */
    void remove(Watch watch, boolean unsubscribe) {
        synchronized (lock) {
            if (watches.get(watch.jobId()) != watch) {
                return;
            }
            watches.remove(watch.jobId());
            if (socket != null && unsubscribe && !watches.isEmpty()) {
                send(
                        socket,
                        JsonValues.PROVIDER
                                .createObjectBuilder()
                                .add("type", "unsubscribe")
                                .add("job", watch.jobId())
                                .build()
                                .toString());
            }
            if (watches.isEmpty()) {
                disconnect();
            }
        }
    }

    /** Fails every watch and closes the connection; nothing reconnects after. */
    void close() {
        List<Watch> left;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(watches.values());
            watches.clear();
            disconnect();
        }
        JobPulseException failure = new JobPulseException("Client closed", "the JobPulse client was closed", null);
        left.forEach(w -> w.fail(failure));
    }

    // ---- the connection, all under lock

    private void connect() {
        connecting = true;
        long attempt = ++generation;
        // its outcome is handled in whenComplete, which catches every failure of the attempt
        var unused = http.newWebSocketBuilder()
                .connectTimeout(settings.connectTimeout())
                .subprotocols("jobpulse.v2", "jobpulse.v1")
                .buildAsync(uri, new Listener(attempt))
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        int status = handshakeStatus(error);
                        // a 4xx other than 408 and 429 (a wrong URL, a proxy refusing) will not change by retrying
                        boolean fatal = status >= 400 && status < 500 && status != 408 && status != 429;
                        lost(attempt, ABNORMAL, "could not connect to " + uri + ": " + rootCause(error), fatal);
                    } else {
                        opened(attempt, ws);
                    }
                });
    }

    private void opened(long attempt, WebSocket ws) {
        synchronized (lock) {
            if (attempt != generation) {
                ws.abort();
                return;
            }
            connecting = false;
            if (watches.isEmpty() || closed) {
                generation++;
                closeSocket(ws);
                return;
            }
            socket = ws;
            pongDue = false;
            for (Watch watch : watches.values()) {
                if (!watch.renewing) { // a renewal subscribes its watch when it has the token
                    send(ws, subscribe(watch));
                }
            }
            long every = settings.pingInterval().toMillis();
            pinger = timers.scheduleAtFixedRate(() -> ping(attempt), every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void disconnect() {
        generation++; // what the old connection still reports is ignored
        connecting = false;
        cancelTimers();
        if (socket != null) {
            closeSocket(socket);
            socket = null;
        }
    }

    private void cancelTimers() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
    }

    private void closeSocket(WebSocket ws) {
        sending = sending.handle((ignored, error) -> null)
                .thenCompose(ignored -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                .orTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        ws.abort();
                    }
                });
    }

    /** Sends one text frame after the ones before it (the JDK's WebSocket takes one send at a time). */
    private void send(WebSocket ws, String text) {
        sending = sending.handle((ignored, error) -> null)
                .thenCompose(ignored -> ws.sendText(text, true))
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        LOG.log(Level.DEBUG, "a send to " + uri + " failed (the connection is lost): " + error);
                    }
                });
    }

    private static String subscribe(Watch watch) {
        return JsonValues.PROVIDER
                .createObjectBuilder()
                .add("type", "subscribe")
                .add("job", watch.jobId())
                .add("token", watch.token())
                .add("since", watch.lastSeq())
                .build()
                .toString();
    }

    private void ping(long attempt) {
        WebSocket dead = null;
        synchronized (lock) {
            if (attempt != generation || socket == null) {
                return;
            }
            if (pongDue) {
                dead = socket;
            } else {
                pongDue = true;
                send(
                        socket,
                        JsonValues.PROVIDER
                                .createObjectBuilder()
                                .add("type", "ping")
                                .add("id", ++pings)
                                .build()
                                .toString());
            }
        }
        if (dead != null) {
            dead.abort();
            lost(attempt, ABNORMAL, "no pong within " + settings.pingInterval(), false);
        }
    }

    /** The connection of {@code attempt} closed or broke: reconnect after a backoff, or fail every watch. */
    private void lost(long attempt, int code, String reason, boolean fatal) {
        List<Watch> affected;
        Duration delay = Duration.ZERO;
        synchronized (lock) {
            if (attempt != generation) {
                return;
            }
            generation++;
            connecting = false;
            socket = null;
            cancelTimers();
            affected = new ArrayList<>(watches.values());
            if (closed || watches.isEmpty()) {
                return;
            }
            if (fatal) {
                watches.clear();
            } else {
                failures++;
                delay = backoff(failures);
                reconnect = timers.schedule(this::reconnect, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        LOG.log(
                fatal ? Level.WARNING : Level.INFO,
                "the JobPulse WebSocket " + uri + " closed (" + code + " " + reason + ")"
                        + (fatal ? "; not reconnecting" : "; reconnecting in " + delay.toMillis() + " ms"));
        if (fatal) {
            JobPulseException failure = new JobPulseException(
                    "WebSocket closed", "the server closed the connection with " + code + " " + reason, null);
            affected.forEach(w -> w.fail(failure));
        } else {
            Duration retryIn = delay;
            affected.forEach(w -> w.reconnecting(code, reason, retryIn));
        }
    }

    private void reconnect() {
        synchronized (lock) {
            reconnect = null;
            if (!closed && !watches.isEmpty() && socket == null && !connecting) {
                connect();
            }
        }
    }

    /** Exponential from the first delay to the longest, each drawn at random from its upper half (full jitter). */
    Duration backoff(int failuresInARow) {
        long first = settings.firstReconnectDelay().toMillis();
        long longest = settings.longestReconnectDelay().toMillis();
        long ceiling = first << Math.min(failuresInARow - 1, 20);
        ceiling = Math.min(Math.max(ceiling, 1), longest);
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    /** docs/protocol.md: fix the client (1003, 1007, 1009) or do not reconnect (4500-4999). */
    static boolean isFinal(int code) {
        return code == 1003 || code == 1007 || code == 1009 || (code >= 4500 && code <= 4999);
    }

    // ---- what arrives

    private void received(long attempt, String text) {
        synchronized (lock) {
            if (attempt != generation) {
                return; // from a connection given up already; its watches resubscribed on the new one
            }
        }
        JsonObject message;
        try {
            message = JsonValues.parse(text);
        } catch (JsonException e) {
            LOG.log(Level.WARNING, "ignored a message from " + uri + " that is no JSON object: " + e.getMessage());
            return;
        }
        if ("batch".equals(message.getString("type", ""))) {
            for (JsonValue each : message.getJsonArray("messages")) {
                handle(attempt, each.asJsonObject());
            }
        } else {
            handle(attempt, message);
        }
    }

    private void handle(long attempt, JsonObject message) {
        String type = message.getString("type", "");
        if ("pong".equals(type)) {
            synchronized (lock) {
                pongDue = false;
            }
            return;
        }
        Watch watch;
        synchronized (lock) {
            watch = jobOf(message).map(watches::get).orElse(null);
            if ("subscribed".equals(type) && attempt == generation) {
                failures = 0;
                if (watch != null) {
                    watch.accepted = true;
                }
            }
        }
        if (watch == null) {
            if ("error".equals(type)) {
                LOG.log(Level.WARNING, "the JobPulse WebSocket answered " + message);
            }
            return;
        }
        try {
            switch (type) {
                case "event" -> watch.event(ServerJson.event(message));
                case "snapshot" -> watch.snapshot(ServerJson.view(message.getJsonObject("job")));
                case "error" -> refused(attempt, watch, message);
                default -> {
                    // subscribed, and what a later protocol version may add
                }
            }
        } catch (RuntimeException e) { // a message this client cannot read (ClassCastException, JsonException, ...)
            watch.fail(new JobPulseException("Unreadable message", "the server sent " + message, e));
        }
    }

    /** The job a message is about: its {@code job} id, or the id of the job view a snapshot carries. */
    private static Optional<String> jobOf(JsonObject message) {
        JsonValue job = message.get("job");
        if (job instanceof JsonString id) {
            return Optional.of(id.getString());
        }
        if (job instanceof JsonObject view && view.get("id") instanceof JsonString id) {
            return Optional.of(id.getString());
        }
        return Optional.empty();
    }

    private void refused(long attempt, Watch watch, JsonObject error) {
        String code = error.getString("code", "");
        if ("unavailable".equals(code)) {
            // the server could not read its database: subscribe again after a backoff, on this connection
            Duration delay = backoff(1);
            var unused = timers.schedule( // cancelled with the timers at close; a lost connection resubscribes anyway
                    () -> {
                        synchronized (lock) {
                            if (attempt == generation
                                    && socket != null
                                    && watches.get(watch.jobId()) == watch
                                    && !watch.renewing) {
                                send(socket, subscribe(watch));
                            }
                        }
                    },
                    delay.toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        boolean renew;
        synchronized (lock) {
            renew = "not_found".equals(code) && watch.accepted && !watch.renewing;
            if (renew) {
                watch.accepted = false; // one renewal per accepted token: a fresh token refused fails the watch
                watch.renewing = true;
            }
        }
        if (renew) {
            renew(watch, error);
            return;
        }
        watch.fail(refusal(watch, error, null));
    }

    /**
     * Asks for a fresh token of the watch's job (an HTTP request, off the WebSocket's and the timer's threads) and
     * subscribes with it on the connection open then, or the next one. A job that is gone, or a client that may not
     * read it, fails the watch with the server's refusal, the renewal's failure attached.
     */
    private void renew(Watch watch, JsonObject refusal) {
        LOG.log(
                Level.DEBUG,
                "the token of the watch of " + watch.jobId() + " is no longer accepted; asking for a fresh one");
        var unused = CompletableFuture.supplyAsync(() -> freshToken.apply(watch.jobId()))
                .whenComplete((token, failure) -> {
                    if (failure != null) {
                        synchronized (lock) {
                            watch.renewing = false;
                        }
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        watch.fail(refusal(watch, refusal, cause));
                        return;
                    }
                    synchronized (lock) {
                        watch.token(token);
                        watch.renewing = false;
                        if (socket != null && watches.get(watch.jobId()) == watch) {
                            send(socket, subscribe(watch));
                        } // else the next connection subscribes it, with this token
                    }
                });
    }

    private static JobPulseException refusal(Watch watch, JsonObject error, Throwable cause) {
        String code = error.getString("code", "");
        String text = error.getString("message", "");
        return new JobPulseException(
                "not_found".equals(code) ? 404 : 400,
                "urn:jobpulse:ws:" + code,
                "Watch refused",
                "the server refused to watch " + watch.jobId() + ": " + code + " " + text,
                error,
                Optional.empty(),
                cause);
    }

    /** The HTTP status of a refused handshake; 0 when the failure was another. */
    private static int handshakeStatus(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
        }
        return 0;
    }

    private static String rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The JDK WebSocket's callbacks of one connection attempt; it calls them one at a time. */
    private final class Listener implements WebSocket.Listener {

        private final long attempt;
        private final StringBuilder partial = new StringBuilder();

        Listener(long attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received(attempt, text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(attempt, statusCode, reason, isFinal(statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(attempt, ABNORMAL, rootCause(error), false);
        }
    }
}
