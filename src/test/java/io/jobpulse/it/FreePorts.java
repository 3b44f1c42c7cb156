package io.jobpulse.it;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ports for servers that start at the same time: each free when chosen, and none chosen twice (a port the system
 * reports free stays free until a server binds it, so two servers asking at once could otherwise get the same one).
 */
final class FreePorts {

    private static final int ATTEMPTS = 100;

    private final Set<Integer> chosen = new HashSet<>();

    /** A free port for a server that listens on one port: Payara Micro with --nocluster, or a Tomcat. */
    synchronized int port() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = PayaraMicroProcess.freePort();
            if (chosen.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port that was not chosen already in " + ATTEMPTS + " attempts");
    }

    /** A WildFly port offset under which every port of {@link WildFlyProcess#PORTS} is free and none chosen already. */
    synchronized int wildFlyOffset() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int offset = WildFlyProcess.freePortOffset();
            List<Integer> ports =
                    WildFlyProcess.PORTS.stream().map(port -> port + offset).toList();
            if (ports.stream().noneMatch(chosen::contains)) {
                chosen.addAll(ports);
                return offset;
            }
        }
        throw new IOException("no free WildFly port offset that was not chosen already in " + ATTEMPTS + " attempts");
    }
}
