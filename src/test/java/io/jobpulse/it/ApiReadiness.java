package io.jobpulse.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Waits for a server a test started until JobPulse's API answers, failing early when the process dies. */
public final class ApiReadiness {

    private ApiReadiness() {}

    /** Returns once {@code GET <base>api/job-types} answers 200; an AssertionError names the last attempt and the log. */
    public static void await(String server, Process process, URI base, Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        server + " exited with " + process.exitValue() + "; log: " + Files.readString(log));
            }
            // a new client each time: a connection stuck during start-up must not hold the next attempt
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(base.resolve("api/job-types"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(server + " did not serve JobPulse at " + base + " within " + timeout
                + " (last attempt: " + last + "); log: " + log);
    }
}
