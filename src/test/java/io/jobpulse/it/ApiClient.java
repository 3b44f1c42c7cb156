package io.jobpulse.it;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A REST client for the JobPulse API as one API client (one key), with a timeout on every call. Every answer it gets is
 * checked against the OpenAPI document ({@link OpenApiContract}): an answer the document does not describe fails the
 * test that asked, so every IT that talks REST through this client keeps the document true. {@link #unchecked()} is
 * for the few requests a container may answer before JobPulse does (a path it refuses, a request line over its limit,
 * a server still starting).
 */
final class ApiClient {

    static final String ALICE = "alice-secret";
    static final String BOB = "bob-secret";
    /** The IT servers' admin client ({@code jobpulse.admin-clients=ops}, pom.xml). */
    static final String OPS = "ops-secret";

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI base;
    private final String key;
    private final boolean checked;

    ApiClient(URI base, String key) {
        this(base, key, true);
    }

    private ApiClient(URI base, String key, boolean checked) {
        this.base = base;
        this.key = key;
        this.checked = checked;
    }

    /**
     * The same client, whose answers are not checked against the OpenAPI document: only for requests the container
     * may answer itself, before they reach JobPulse (an encoded slash in a path, a node that is still deploying).
     */
    ApiClient unchecked() {
        return new ApiClient(base, key, false);
    }

    /** The server's base URI on loopback: Arquillian reports the machine's interface address. */
    static URI loopback(URL deployment) {
        return URI.create("http://127.0.0.1:" + deployment.getPort() + "/jobpulse/");
    }

    HttpResponse<String> post(String path, String body) {
        return send(request(path)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    HttpResponse<String> post(String path, String body, String idempotencyKey) {
        return send(request(path)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey));
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    /**
     * Any request: {@code body} null for none, {@code headers} as name, value, name, value... (no Content-Type is
     * added).
     */
    HttpResponse<String> request(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = request(path)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /**
     * Posts {@code body} to {@code path} {@code count} times at once, from as many threads released together: a burst
     * that meets a rate limit however slow the machine (one request after another may each take longer than the limit
     * needs to refill). The statuses, in no particular order.
     */
    List<Integer> burst(int count, String path, String body) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(path, body).statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                try {
                    statuses.add(answer.get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    throw new AssertionError("a request of the burst failed", e);
                }
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Submits and expects 202; answers the owner's job view with its watch token. */
    JsonObject submit(String body) {
        HttpResponse<String> response = post("api/jobs", body);
        if (response.statusCode() != 202) {
            throw new AssertionError("submit answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    JsonObject job(String id) {
        HttpResponse<String> response = get("api/jobs/" + id);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET job answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    /** Polls the job until {@code condition} holds or the timeout passes. */
    JsonObject awaitJob(String id, Predicate<JsonObject> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject job = job(id);
        while (!condition.test(job)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not reach the expected state in " + timeout + ": " + job);
            }
            Thread.sleep(100);
            job = job(id);
        }
        return job;
    }

    /** What {@link OpenApiContract} checks of an answer. */
    static OpenApiContract.Exchange exchange(HttpResponse<String> response) {
        return new OpenApiContract.Exchange(
                response.request().method(),
                response.uri(),
                response.statusCode(),
                response.headers().firstValue("Content-Type"),
                response.headers().map(),
                response.body());
    }

    URI wsUri() {
        return URI.create("ws://" + base.getRawAuthority() + base.getRawPath() + "ws");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (checked) {
                OpenApiContract.jobPulse().check(exchange(response));
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError("request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
