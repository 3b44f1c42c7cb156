package io.jobpulse.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JobPulse server seen from Java (docs/java-client.md): submits, reads, lists and cancels jobs over the REST API
 * with an API key, watches jobs over one shared WebSocket ({@link #watch}), and reports external jobs
 * ({@link #external}, {@link #attach}). Immutable and thread-safe: build one per server and share it. Close it when
 * done: that ends its watches and its timer thread.
 *
 * <pre>{@code
 * try (JobPulseClient client = JobPulseClient.builder(URI.create("http://localhost:8080/jobpulse/"))
 *         .apiKey(System.getenv("JOBPULSE_API_KEY"))
 *         .build()) {
 *     JobView job = client.submit("steps", Map.of("count", 10));
 *     try (Watch watch = client.watch(job.id(), e -> System.out.println(e.state() + " " + e.progress()))) {
 *         System.out.println(watch.awaitEnd(Duration.ofMinutes(1)).result());
 *     }
 * }
 * }</pre>
 *
 * <p>Every request has a timeout; a refusal is a {@link JobPulseException} with the status and the problem's type.
 */
public final class JobPulseClient implements AutoCloseable {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final URI api;
    private final Optional<String> apiKey;
    private final Http http;
    private final ScheduledThreadPoolExecutor timers;
    private final WatchConnection connection;

    private JobPulseClient(Builder b) {
        this.api = b.baseUri.resolve("api/");
        this.apiKey = b.apiKey;
        HttpClient client = b.httpClient != null
                ? b.httpClient
                : HttpClient.newBuilder()
                        // no h2c upgrade: a cleartext HTTP/2 upgrade of a POST with a body stalls on some servers
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(b.settings.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.http = new Http(client, b.requestTimeout);
        int number = CLIENTS.incrementAndGet();
        this.timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "jobpulse-client-" + number);
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        URI ws = b.webSocketUri != null ? b.webSocketUri : webSocketOf(b.baseUri);
        this.connection = new WatchConnection(client, ws, b.settings, timers, this::freshWatchToken);
    }

    /** A client of the JobPulse at {@code baseUri}, the application's root, such as {@code http://host:8080/jobpulse/}. */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    /** {@code ws://host:port/jobpulse/ws} for {@code http://host:port/jobpulse/} ({@code wss} for {@code https}). */
    static URI webSocketOf(URI base) {
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + base.getRawPath() + "ws");
    }

    // ---- REST

    /** Submits a job of {@code type} with these parameters; its view ({@code QUEUED}, with id, watch token, links). */
    public JobView submit(String type, Map<String, ?> params) {
        return submit(Submission.of(type, params));
    }

    /** Submits a job; its view. A 429 (submission rate, queued jobs) carries {@link JobPulseException#retryAfter()}. */
    public JobView submit(Submission submission) {
        List<String> headers = new ArrayList<>();
        submission.idempotencyKey().ifPresent(key -> {
            headers.add("Idempotency-Key");
            headers.add(key);
        });
        HttpResponse<String> response = http.send(
                api.resolve("jobs"), apiKey, Optional.of(submission.toJson()), headers.toArray(String[]::new));
        return ServerJson.view(Http.expect(response, 202));
    }

    /** The job with this id (404 when there is none for this API key). */
    public JobView get(String id) {
        return ServerJson.view(Http.expect(http.send(job(id, ""), apiKey, Optional.empty()), 200));
    }

    /** The first page of the caller's jobs, newest first. */
    public JobPage list() {
        return list(JobQuery.all());
    }

    /** A page of the caller's jobs, newest first; {@link JobPage#next()} asks for the next. */
    public JobPage list(JobQuery query) {
        StringBuilder q = new StringBuilder("jobs?limit=").append(query.limit());
        query.state().ifPresent(s -> q.append("&state=").append(s.name().toLowerCase(Locale.ROOT)));
        query.cursor().ifPresent(c -> q.append("&cursor=").append(encode(c)));
        JsonObject page = Http.expect(http.send(api.resolve(q.toString()), apiKey, Optional.empty()), 200);
        List<JobView> jobs = page.getJsonArray("jobs").stream()
                .map(JsonValue::asJsonObject)
                .map(ServerJson::view)
                .toList();
        return new JobPage(jobs, ServerJson.string(page, "nextCursor"), query);
    }

    /**
     * Cancels a job: a {@code QUEUED} or external one ends {@code CANCELLED} at once, a running one gets
     * {@code cancelRequested} and stops at its next check; cancelling a cancelled job again is fine. A job that
     * {@code SUCCEEDED} or {@code FAILED} answers 409.
     */
    public JobView cancel(String id) {
        return ServerJson.view(Http.expect(http.postEmpty(job(id, "/cancel"), apiKey), 202));
    }

    // ---- watching

    /** Watches a job from its first event ({@code since} 0): its token comes from {@link #get(String)}. */
    public Watch watch(String id, JobListener listener) {
        return watch(id, 0, listener);
    }

    /** Watches a job from the event after {@code since}: its token comes from {@link #get(String)}. */
    public Watch watch(String id, long since, JobListener listener) {
        return watch(get(id), since, listener);
    }

    /**
     * Watches the job of this view (which must carry its watch token, as every owner's view does) from the event after
     * {@code since}. One client watches a job at most once at a time. When the token expires while the watch goes on,
     * the reconnect that finds it refused reads a fresh one with this client's API key ({@link #get(String)}).
     */
    public Watch watch(JobView job, long since, JobListener listener) {
        String token = job.watchToken()
                .orElseThrow(() -> new IllegalArgumentException("the view of " + job.id() + " has no watch token"));
        Watch watch = new Watch(job.id(), token, since, Objects.requireNonNull(listener, "listener"), connection);
        connection.add(watch);
        return watch;
    }

    /** A new watch token of the job, for a watch whose token expired: read with this client's API key. */
    private String freshWatchToken(String id) {
        return get(id).watchToken()
                .orElseThrow(() ->
                        new JobPulseException("No watch token", "the view of " + id + " carries no watch token", null));
    }

    // ---- external jobs

    /** Submits an external job of {@code type} and returns its worker's handle. */
    public ExternalJob external(String type, Map<String, ?> params) {
        return external(Submission.of(type, params));
    }

    /**
     * Submits an external job and returns its worker's handle. A type that is not external is refused with an
     * {@link IllegalArgumentException}, after cancelling the job its submission created.
     */
    public ExternalJob external(Submission submission) {
        JobView job = submit(submission);
        Optional<ReportTarget> target = job.reportTarget();
        if (target.isEmpty()) {
            cancel(job.id());
            throw new IllegalArgumentException("'" + submission.type() + "' is not an external job type; the job "
                    + job.id() + " it created was cancelled");
        }
        return attach(target.get());
    }

    /**
     * The worker's handle of an external job submitted elsewhere: needs no API key, only the {@link ReportTarget}. Its
     * report ids start at 1; if another handle reported the job before, it goes on after that one's last id.
     */
    public ExternalJob attach(ReportTarget target) {
        return new ExternalJob(http, target);
    }

    /** {@link #attach(ReportTarget)} from the three parts the submitter handed over. */
    public ExternalJob attach(String jobId, URI report, String reportToken) {
        return attach(new ReportTarget(jobId, report, reportToken));
    }

    /** Fails the open watches, closes the WebSocket and stops the client's timer thread. */
    @Override
    public void close() {
        connection.close();
        timers.shutdownNow();
    }

    private URI job(String id, String suffix) {
        return api.resolve("jobs/" + encode(id) + suffix);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The connection's timings, fixed at build time. */
    record Settings(
            Duration connectTimeout,
            Duration pingInterval,
            Duration firstReconnectDelay,
            Duration longestReconnectDelay) {}

    /** Builds a {@link JobPulseClient}; every setting has a default but the base URI. */
    public static final class Builder {

        private final URI baseUri;
        private Optional<String> apiKey = Optional.empty();
        private HttpClient httpClient;
        private URI webSocketUri;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Settings settings = new Settings(
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofMillis(500), Duration.ofSeconds(30));

        private Builder(URI baseUri) {
            String text = Objects.requireNonNull(baseUri, "baseUri").toString();
            URI base = URI.create(text.endsWith("/") ? text : text + "/");
            if (!"http".equalsIgnoreCase(base.getScheme()) && !"https".equalsIgnoreCase(base.getScheme())) {
                throw new IllegalArgumentException("the base URI must be http or https: " + baseUri);
            }
            this.baseUri = base;
        }

        /** The API key ({@code Authorization: Bearer}); none in dev mode. */
        public Builder apiKey(String key) {
            this.apiKey = Optional.ofNullable(key).filter(k -> !k.isBlank());
            return this;
        }

        /** The HttpClient for requests and the WebSocket (proxies, TLS, executor); by default one of its own. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The WebSocket's URL; by default {@code ws(s)://<base>ws}, as the server's {@code links.watch}. */
        public Builder webSocketUri(URI uri) {
            this.webSocketUri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** How long one request may take from sending to its whole answer (30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long connecting may take, HTTP and the WebSocket handshake (10 s). */
        public Builder connectTimeout(Duration timeout) {
            settings = new Settings(
                    positive(timeout, "connectTimeout"),
                    settings.pingInterval(),
                    settings.firstReconnectDelay(),
                    settings.longestReconnectDelay());
            return this;
        }

        /**
         * How often the WebSocket pings (20 s; the server closes a connection silent for its idle timeout, 60 s by
         * default); a connection whose ping got no pong by the next one is dropped and reopened.
         */
        public Builder pingInterval(Duration interval) {
            settings = new Settings(
                    settings.connectTimeout(),
                    positive(interval, "pingInterval"),
                    settings.firstReconnectDelay(),
                    settings.longestReconnectDelay());
            return this;
        }

        /** Reconnect backoff: from {@code first} (500 ms), doubling to {@code longest} (30 s), each with jitter. */
        public Builder reconnectDelays(Duration first, Duration longest) {
            if (positive(longest, "longest").compareTo(positive(first, "first")) < 0) {
                throw new IllegalArgumentException("longest must not be shorter than first");
            }
            settings = new Settings(settings.connectTimeout(), settings.pingInterval(), first, longest);
            return this;
        }

        public JobPulseClient build() {
            return new JobPulseClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
