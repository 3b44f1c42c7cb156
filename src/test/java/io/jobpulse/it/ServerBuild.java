package io.jobpulse.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One kind of server as the build leaves it in target/, so that a test can start a server of any kind whichever
 * failsafe execution runs it: the WAR for that server and the server itself. Payara Micro: jobpulse.war and the
 * Payara Micro jar (package). Tomcat: jobpulse-tomcat.war (the tomcat profile's package) and the unpacked
 * CATALINA_HOME with server-config/tomcat applied ({@code apply-tomcat-server-config}). WildFly: jobpulse.war, the
 * unpacked JBOSS_HOME with jobpulse.cli applied, and the server base that {@code apply-server-config-wildfly-postgres}
 * prepared with postgresql.cli. The paths are the failsafe system properties {@code jobpulse.it.<kind>.war},
 * {@code .server} and {@code .postgres-base}, the same in every execution (pom.xml); a path exists only once its
 * profile's build ran, which {@link #missing} tells.
 *
 * @param kind payara, tomcat or wildfly
 * @param server Payara Micro's jar, or Tomcat's or WildFly's home directory
 * @param postgresBase WildFly's server base configured for PostgreSQL; null for the other kinds
 */
record ServerBuild(String kind, Path war, Path server, Path postgresBase) {

    static final String PAYARA = "payara";
    static final String TOMCAT = "tomcat";
    static final String WILDFLY = "wildfly";

    /** Every kind, in the order a mixed cluster starts them. */
    static final List<String> KINDS = List.of(PAYARA, WILDFLY, TOMCAT);

    /** The build of {@code kind} (payara, tomcat or wildfly), from the failsafe configuration. */
    static ServerBuild of(String kind) {
        String k = kind.trim().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new IllegalArgumentException("server kind " + kind + ": expected payara, tomcat or wildfly");
        }
        return new ServerBuild(
                k,
                path("jobpulse.it." + k + ".war"),
                path("jobpulse.it." + k + ".server"),
                k.equals(WILDFLY) ? path("jobpulse.it.wildfly.postgres-base") : null);
    }

    /**
     * What of this build is not there (empty when the server can start): which file or directory, and the build step
     * that makes it.
     */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        switch (kind) {
            case PAYARA -> {
                require(war, missing, "the WAR (package)");
                require(server, missing, "the Payara Micro jar (get-payara-micro, package)");
            }
            case TOMCAT -> {
                require(war, missing, "the Tomcat WAR (the tomcat profile's tomcat-war, package)");
                require(
                        server == null ? null : server.resolve("bin").resolve("setenv.sh"),
                        missing,
                        "Tomcat with server-config/tomcat applied (the tomcat profile's unpack-tomcat and "
                                + "apply-tomcat-server-config, pre-integration-test)");
            }
            case WILDFLY -> {
                require(war, missing, "the WAR (package)");
                require(
                        server == null ? null : server.resolve("bin").resolve("standalone.sh"),
                        missing,
                        "WildFly (the wildfly profile's unpack-wildfly and apply-server-config-wildfly, "
                                + "pre-integration-test)");
                require(
                        postgresBase == null
                                ? null
                                : postgresBase.resolve("data").resolve("content"),
                        missing,
                        "WildFly's server base for PostgreSQL (the wildfly profile's "
                                + "apply-server-config-wildfly-postgres, pre-integration-test)");
            }
            default -> throw new IllegalStateException(kind);
        }
        return missing;
    }

    private static void require(Path path, List<String> missing, String what) {
        if (path == null || !Files.exists(path)) {
            missing.add(what + ": " + path);
        }
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        return value == null ? null : Path.of(value).toAbsolutePath();
    }
}
