package io.jobpulse.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The workers of the reports workload (issue 13): one per external job, each reporting its job's progress {@code rate}
 * times a second over REST with its report token, as a worker outside JobPulse would, over HTTP/1.1 keep-alive (the
 * JDK's HttpClient pools the connections). A worker is sequential: it sends its next report only once the previous
 * one was answered; a report that falls due while the previous one is still out is not sent, and counted as
 * {@code behind} (the server did not keep up). The workers start spread evenly over one period.
 *
 * <p>Counted for the reports sent while {@link #measuring} is on: their answer time (send to answer), their statuses
 * (2xx, 429, other 4xx, 5xx, no answer) and how many were answered per second.
 */
final class Reporters implements AutoCloseable {

    private final HttpClient client;
    private final ExecutorService executor;
    private final URI[] reportUris;
    private final String[] authorizations;
    private final long periodNanos;
    private final AtomicLongArray lastId;
    private final AtomicReferenceArray<Boolean> inFlight;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Staleness answerMs = new Staleness();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong tooMany = new AtomicLong();
    private final AtomicLong otherClientErrors = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong noAnswer = new AtomicLong();
    private final AtomicLong behind = new AtomicLong();
    private volatile String firstFailure;
    private volatile boolean measuring;
    private volatile long measuredSince;
    private volatile long measuredUntil;
    private Thread scheduler;

    /** {@code ids[j]} and {@code tokens[j]}: job j and its report token, on the server at {@code port}. */
    Reporters(int port, String[] ids, String[] tokens, int ratePerJob) {
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "reporters-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
        this.reportUris = new URI[ids.length];
        this.authorizations = new String[ids.length];
        for (int j = 0; j < ids.length; j++) {
            reportUris[j] = URI.create("http://127.0.0.1:" + port + "/jobpulse/api/jobs/" + ids[j] + "/reports");
            authorizations[j] = "Bearer " + tokens[j];
        }
        this.periodNanos = 1_000_000_000L / ratePerJob;
        this.lastId = new AtomicLongArray(ids.length);
        this.inFlight = new AtomicReferenceArray<>(ids.length);
    }

    /** Starts every worker, spread over one period. */
    void start() {
        running.set(true);
        scheduler = new Thread(this::schedule, "reporters");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Counts the reports sent from now on. */
    void startMeasuring() {
        measuredSince = System.nanoTime();
        measuring = true;
    }

    /** Stops counting new reports (those already out are still counted when answered). */
    void stopMeasuring() {
        measuring = false;
        measuredUntil = System.nanoTime();
    }

    private void schedule() {
        int jobs = reportUris.length;
        // due time, job
        PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        long t0 = System.nanoTime();
        for (int j = 0; j < jobs; j++) {
            due.add(new long[] {t0 + periodNanos * j / jobs, j});
        }
        while (running.get()) {
            long now = System.nanoTime();
            long[] next = due.peek();
            if (next[0] > now) {
                long wait = next[0] - now;
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 1_000_000L));
                continue;
            }
            due.poll();
            int j = (int) next[1];
            next[0] += periodNanos;
            due.add(next);
            if (Boolean.TRUE.equals(inFlight.get(j))) {
                if (measuring) {
                    behind.incrementAndGet();
                }
                continue;
            }
            send(j);
        }
    }

    private void send(int j) {
        long id = lastId.incrementAndGet(j);
        String body = "{\"id\":" + id + ",\"progress\":{\"done\":" + id + ",\"total\":1000000,\"message\":\"row " + id
                + "\"}}";
        HttpRequest request = HttpRequest.newBuilder(reportUris[j])
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorizations[j])
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        boolean counted = measuring;
        if (counted) {
            sent.incrementAndGet();
        }
        inFlight.set(j, Boolean.TRUE);
        long start = System.nanoTime();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            inFlight.set(j, Boolean.FALSE);
            if (!counted) {
                return;
            }
            if (failure != null) {
                noAnswer.incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = failure.toString();
                }
                return;
            }
            synchronized (answerMs) {
                answerMs.add((System.nanoTime() - start) / 1_000_000);
            }
            int status = response.statusCode();
            if (status < 300) {
                ok.incrementAndGet();
            } else if (status == 429) {
                tooMany.incrementAndGet();
            } else if (status < 500) {
                otherClientErrors.incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = status + " " + response.body();
                }
            } else {
                serverErrors.incrementAndGet();
                if (firstFailure == null) {
                    firstFailure = status + " " + response.body();
                }
            }
        });
    }

    /** {@code <prefix>Sent}, {@code <prefix>AnsweredPerSecond}, statuses, {@code <prefix>Answer*Ms}, ... */
    void into(Map<String, Object> r, String prefix) {
        double seconds = (measuredUntil - measuredSince) / 1e9;
        long answered = ok.get() + tooMany.get() + otherClientErrors.get() + serverErrors.get();
        r.put(prefix + "Sent", sent.get());
        r.put(prefix + "Ok", ok.get());
        r.put(prefix + "OkPerSecond", seconds <= 0 ? null : ok.get() / seconds);
        r.put(prefix + "AnsweredPerSecond", seconds <= 0 ? null : answered / seconds);
        r.put(prefix + "OfferedPerSecond", (double) reportUris.length * 1_000_000_000L / periodNanos);
        r.put(prefix + "429", tooMany.get());
        r.put(prefix + "Other4xx", otherClientErrors.get());
        r.put(prefix + "5xx", serverErrors.get());
        r.put(prefix + "NoAnswer", noAnswer.get());
        r.put(prefix + "Behind", behind.get());
        if (firstFailure != null) {
            r.put(prefix + "FirstFailure", firstFailure);
        }
        synchronized (answerMs) {
            answerMs.into(r, prefix + "Answer");
        }
    }

    /** Stops the workers; waits up to 30 s for the reports still out to be answered. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (scheduler != null) {
            scheduler.join(5_000);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && anyInFlight()) {
            Thread.sleep(20);
        }
        executor.shutdownNow();
    }

    private boolean anyInFlight() {
        for (int j = 0; j < inFlight.length(); j++) {
            if (Boolean.TRUE.equals(inFlight.get(j))) {
                return true;
            }
        }
        return false;
    }
}
