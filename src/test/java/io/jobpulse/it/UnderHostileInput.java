package io.jobpulse.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the hostile-input ITs: one {@link Bystander} per class watches a job on the same node from the first test
 * to the last; after every test it must still have received its events on time, and at the end the node's heap and
 * threads must be within bounds. What each case saw is written to {@code target/bad-input/<server>.tsv}
 * (docs/bad-input.md is made from those lines) and the figures to {@code target/bad-input/<server>-figures.txt}.
 */
abstract class UnderHostileInput extends DeployedWar {

    private static final Path OUTPUT = Path.of("target", "bad-input");
    private static Bystander bystander;
    private static String className;

    @BeforeEach
    void bystanderWatches(TestInfo test) throws Exception {
        if (bystander == null) {
            className = getClass().getSimpleName();
            bystander = Bystander.start(alice, ws);
        }
        bystander.hostilePhase(test.getDisplayName());
    }

    @AfterEach
    void bystanderWasServedOnTime() throws Exception {
        bystander.assertServedOnTime();
    }

    @AfterAll
    static void nodeStayedBounded() throws Exception {
        if (bystander == null) {
            return;
        }
        try (Bystander finishing = bystander) {
            Bystander.Figures figures = finishing.finish();
            write("-figures.txt", className + "\t" + figures);
        } finally {
            bystander = null;
        }
    }

    /** The server under test: payara, tomcat or wildfly. */
    static String server() {
        return ServerProcess.kind();
    }

    /** What this server is expected to do, where the containers differ (each difference is in docs/bad-input.md). */
    static <T> T on(T payara, T tomcat, T wildfly) {
        return switch (server()) {
            case "payara" -> payara;
            case "tomcat" -> tomcat;
            case "wildfly" -> wildfly;
            default -> throw new IllegalStateException("unknown server " + server());
        };
    }

    /** Records what the server did for one case, for docs/bad-input.md. */
    void observed(String testCase, String reply) {
        write(".tsv", getClass().getSimpleName() + "\t" + testCase + "\t" + reply);
    }

    private static synchronized void write(String suffix, String line) {
        try {
            Files.createDirectories(OUTPUT);
            Files.writeString(
                    OUTPUT.resolve(server() + suffix),
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + OUTPUT, e);
        }
    }
}
