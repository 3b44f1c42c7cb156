package io.jobpulse.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a server of a given kind ({@link ServerBuild}: by default the failsafe execution's,
 * {@link ServerProcess#kind}) on a PostgreSQL, configured as server-config/ tells an operator: Payara Micro with the
 * driver added and postgresql.asadmin as its post-boot file; Tomcat with jobpulse-postgresql.xml as the application's
 * context and the driver in lib/; WildFly on a copy of the server base the wildfly profile prepared with postgresql.cli
 * ({@code apply-server-config-wildfly-postgres}). The connection details come from the environment (JOBPULSE_DB_*) on
 * every server, as in PostgresOnTomcatIT.
 */
final class ServerOnPostgres {

    private ServerOnPostgres() {}

    /**
     * Starts one server of {@code build}'s kind with these {@code -D} settings (plus what its PostgreSQL configuration
     * needs) on ports from {@code ports}; its files go under {@code dir}. Returns once JobPulse's API answers.
     */
    static ServerProcess start(
            ServerBuild build, EmbeddedPostgres postgres, Path dir, List<String> settings, FreePorts ports)
            throws Exception {
        List<String> missing = build.missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("cannot start " + build.kind() + ": missing " + missing);
        }
        Map<String, String> environment = PostgresChecks.environment(postgres);
        return switch (build.kind()) {
            case ServerBuild.PAYARA -> {
                List<String> withDataSource = new ArrayList<>(settings);
                withDataSource.add("-Djobpulse.datasource=jdbc/jobpulse");
                yield PayaraMicroProcess.start(
                        build.server(),
                        build.war(),
                        dir,
                        withDataSource,
                        environment,
                        List.of(
                                "--addlibs",
                                property("postgresql.jar"),
                                "--postbootcommandfile",
                                serverConfig("payara", "postgresql.asadmin").toString()),
                        ports.port());
            }
            case ServerBuild.TOMCAT ->
                TomcatProcess.start(
                        build.server(),
                        build.war(),
                        Map.of("jobpulse.xml", serverConfig("tomcat", "jobpulse-postgresql.xml")),
                        List.of(Path.of(property("postgresql.jar"))),
                        String.join(" ", settings),
                        environment,
                        dir,
                        ports.port());
            case ServerBuild.WILDFLY -> {
                Path base = wildFlyBase(build.postgresBase(), dir.resolve("wildfly-base"));
                List<String> withIpv4 = new ArrayList<>(List.of("-Djava.net.preferIPv4Stack=true"));
                withIpv4.addAll(settings);
                yield WildFlyProcess.start(
                        build.server(), build.war(), base, ports.wildFlyOffset(), withIpv4, environment);
            }
            default -> throw new IllegalStateException("server kind " + build.kind());
        };
    }

    /**
     * A server base directory of its own: the configuration the wildfly profile prepared (standalone.xml with the
     * DataSource and {@code jobpulse.datasource}) and the driver deployment's content, which WildFly keeps in data/.
     */
    private static Path wildFlyBase(Path prepared, Path base) throws Exception {
        TomcatProcess.copyTree(prepared.resolve("configuration"), base.resolve("configuration"));
        Path content = prepared.resolve("data").resolve("content");
        if (!Files.isDirectory(content)) {
            throw new IllegalStateException(content + " is missing: the wildfly profile deploys the PostgreSQL driver "
                    + "there (apply-server-config-wildfly-postgres)");
        }
        TomcatProcess.copyTree(content, base.resolve("data").resolve("content"));
        return base;
    }

    private static Path serverConfig(String server, String file) {
        return Path.of("server-config", server, file).toAbsolutePath();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " must be set: run through mvn verify");
        }
        return value;
    }
}
