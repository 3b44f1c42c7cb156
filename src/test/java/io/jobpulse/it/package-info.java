/**
 * Integration tests ({@code *IT}, failsafe): the WAR Maven built, deployed by Arquillian to a managed Payara Micro,
 * Tomcat or WildFly (one Maven profile each). Each execution starts its server once and deploys each test class's WAR
 * into it; for Payara Micro that is the tests' own container, {@link io.jobpulse.it.micro.SharedMicroContainer}.
 *
 * <p><b>Which server runs which IT.</b> An IT runs on every server (Payara Micro, Tomcat 10.1, WildFly, and Tomcat 11
 * in {@code .ci/run}, there on Java 25 with virtual threads: {@code tomcat.java-home}, {@code tomcat.virtual-threads})
 * unless it is marked {@link io.jobpulse.it.ContainerIndependent @ContainerIndependent}; a marked
 * class or method runs once, in the Tomcat 10.1 execution. Mark only behaviour that is JobPulse's own and cannot
 * differ between containers: REST semantics, job lifecycle order, limits JobPulse counts itself, answers to a message
 * that was decoded. Leave unmarked (every server) anything a container
 * takes part in: handshakes, frames, buffers, executors and timers, server-config, restarts and shutdown, the
 * PostgreSQL datasource, the browser, SSE and long polling (the JAX-RS implementation's), hostile input at the container level, slow consumers. A new IT without the mark
 * runs everywhere, so forgetting it costs time, never coverage. A class marked
 * {@link io.jobpulse.it.OncePerServerType @OncePerServerType} (the cluster ITs, which boot several servers each, and
 * {@code BrowserIT}: the page meets the same Tomcat code in 10.1 and 11, whose transports the protocol ITs check) runs
 * on Payara, WildFly and Tomcat 10.1 but not again on Tomcat 11.
 *
 * <p><b>Clusters.</b> {@link io.jobpulse.it.Cluster} starts one embedded PostgreSQL and several server processes of the
 * execution's server on it, configured from server-config/; {@code ClusterIT} (claims, failover, and the store on
 * PostgreSQL through the server's own DataSource and pool, on one cluster booted once per class; a node it kills is
 * started again under its node id) runs per server type, {@code ClusterFaultsIT} (SIGSTOP, a PostgreSQL restart) and
 * {@code ClusterBrowserIT} (the page through HAProxy while the node it watches through is killed) once: the page and
 * the proxy are the same on every server, and the server's side of a failover is {@code ClusterIT}'s.
 * {@code PostgresOnTomcatIT} (one Tomcat on PostgreSQL) runs on Tomcat 10.1 and 11. {@code MixedClusterIT} (a Payara
 * Micro, a WildFly and a Tomcat node in one cluster) runs once too, marked {@code @ContainerIndependent}, in the Tomcat
 * 10.1 execution: it starts all three servers itself from what the build left in target/
 * ({@link io.jobpulse.it.ServerBuild}), so any execution would test the same thing and the existing tag keeps it out of
 * the Payara, WildFly and Tomcat 11 runs with no new exclusion; in {@code mvn verify} with the default profiles every
 * server is prepared (package, pre-integration-test) before the first execution runs. Where one is missing (e.g.
 * {@code mvn verify -Ptomcat} on a clean target/) it is skipped, saying which.
 */
package io.jobpulse.it;
