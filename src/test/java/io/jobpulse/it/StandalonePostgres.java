package io.jobpulse.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * The integration tests' embedded PostgreSQL as a process of its own, for the benchmark's cluster pass
 * ({@code mvn -Pbench verify}, docs/performance.md), whose classpath has no database: {@code java
 * io.jobpulse.it.StandalonePostgres PORT DATA_DIR} starts PostgreSQL on 127.0.0.1:PORT with a fresh data directory,
 * prints {@code READY <postmaster pid>} and runs until its standard input closes (or it is killed), then stops it.
 */
public final class StandalonePostgres {

    private StandalonePostgres() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200")
                .start();
        // the benchmark ends its children with SIGTERM: stop PostgreSQL then too, not only at the end of input
        Thread stop = new Thread(() -> close(postgres), "stop-postgres");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            String pid = java.nio.file.Files.readAllLines(data.resolve("postmaster.pid"))
                    .get(0)
                    .trim();
            System.out.println("READY " + pid);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the benchmark holds the pipe open while it needs the database
            }
        } finally {
            close(postgres);
        }
    }

    private static synchronized void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (java.io.IOException e) {
            e.printStackTrace();
        }
    }
}
