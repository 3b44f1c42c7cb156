package io.jobpulse.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's unit tests (src/test/js, Node's built-in runner, no npm packages) as part of the
 * Java test suite, so {@code mvn verify} runs them too. Skipped, visibly, where no {@code node} is installed.
 */
class JavaScriptClientTest {

    @Test
    void nodeTestsOfTheClientLibraryPass() throws Exception {
        Optional<Path> node = findNode();
        assumeTrue(node.isPresent(), "node (20+) is not on the PATH: the JavaScript client tests did not run");
        Path log = Files.createTempFile("node-test-", ".log");
        Process process = new ProcessBuilder(node.get().toString(), "--test", "src/test/js/")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(finished).as("node --test finished within 5 minutes").isTrue();
        assertThat(process.exitValue())
                .as("node --test exit code; its output:%n%s", output)
                .isZero();
        assertThat(output).contains("# fail 0").doesNotContain("# pass 0\n");
    }

    private static Optional<Path> findNode() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
            return dirs.filter(d -> !d.isEmpty())
                    .map(d -> Path.of(d, "node"))
                    .filter(Files::isExecutable)
                    .findFirst();
        }
    }
}
