package io.jobpulse.it.micro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * How {@link SharedMicroContainer} starts its Payara Micro: read from the system properties the Payara failsafe
 * execution sets (pom.xml), the same ones Payara's own Arquillian adapter read: {@code payara.microJar}, {@code
 * payara.cmdOptions} (JVM options), {@code payara.extraMicroOptions} (Payara Micro's), {@code
 * payara.startupTimeoutInSeconds}; and {@code jobpulse.it.micro-dir}, where its log, root directory and deployed WARs
 * go.
 */
public final class SharedMicroConfiguration implements ContainerConfiguration {

    Path microJar() {
        return Path.of(required("payara.microJar"));
    }

    List<String> jvmOptions() {
        return words(System.getProperty("payara.cmdOptions", ""));
    }

    List<String> microOptions() {
        return words(System.getProperty("payara.extraMicroOptions", ""));
    }

    Duration startupTimeout() {
        return Duration.ofSeconds(Long.parseLong(System.getProperty("payara.startupTimeoutInSeconds", "240")));
    }

    Path directory() {
        return Path.of(required("jobpulse.it.micro-dir"));
    }

    @Override
    public void validate() throws ConfigurationException {
        try {
            if (!Files.isRegularFile(microJar())) {
                throw new ConfigurationException("payara.microJar is not a file: " + microJar());
            }
            directory();
            startupTimeout();
        } catch (IllegalStateException | NumberFormatException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set (run the tests through mvn verify -Ppayara)");
        }
        return value;
    }

    private static List<String> words(String options) {
        return Arrays.stream(options.trim().split("\\s+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }
}
