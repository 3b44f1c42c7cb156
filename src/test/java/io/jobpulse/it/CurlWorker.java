package io.jobpulse.it;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The guide's shell worker ({@code examples/curl-worker/worker.sh}: bash and curl) as a process of its own, reporting
 * the external job it was given over REST, as a worker outside JobPulse would; killed with SIGKILL to play a worker
 * that dies mid-job. Its output goes to a file under target/curl-worker/, quoted when it fails.
 */
final class CurlWorker implements AutoCloseable {

    static final Path SCRIPT = Path.of("examples", "curl-worker", "worker.sh");

    private final Process process;
    private final Path output;

    private CurlWorker(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts the worker for {@code job} (the answer to its submission): {@code total} steps, {@code interval} apart. */
    static CurlWorker start(JsonObject job, int total, String intervalSeconds) throws IOException {
        Path output = Files.createDirectories(Path.of("target", "curl-worker")).resolve(job.getString("id") + ".log");
        Process process = new ProcessBuilder(
                        "bash",
                        SCRIPT.toString(),
                        job.getJsonObject("links").getString("report"),
                        job.getString("reportToken"),
                        String.valueOf(total),
                        intervalSeconds)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new CurlWorker(process, output);
    }

    /** Waits for the worker to end by itself; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the curl worker did not end within " + timeout + ": " + Files.readString(output));
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /** SIGKILL to the script and the curl it may be running: nothing of the worker gets to run any more. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
