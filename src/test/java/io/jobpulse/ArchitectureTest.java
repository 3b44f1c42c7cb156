package io.jobpulse;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.jobpulse.websocket.OpenSessions;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.jobpulse");
    }

    @Test
    void productionClassesAreImported() {
        assertThat(production.containPackage("io.jobpulse.job")).isTrue();
        assertThat(production.containPackage("io.jobpulse.protocol")).isTrue();
        assertThat(production.containPackage("io.jobpulse.hub")).isTrue();
        assertThat(production).noneMatch(c -> c.getSimpleName().endsWith("Test"));
    }

    @Test
    void domainImportsNoTransportJsonOrJdbc() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.job..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "jakarta.websocket..", "jakarta.ws.rs..", "jakarta.json..", "jakarta.servlet..", "java.sql..")
                .because("the job domain is plain Java; transports and storage adapt to it")
                .check(production);
    }

    @Test
    void apiUsesNothingButJava() {
        assertThat(production.containPackage("io.jobpulse.api")).isTrue();
        classes()
                .that()
                .resideInAPackage("io.jobpulse.api..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.jobpulse.api..", "java..")
                .because("application teams compile their job types against io.jobpulse:jobpulse-api, a jar of this"
                        + " package alone with no dependencies (api/package-info)")
                .check(production);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.jobpulse.(*)..")
                .should()
                .beFreeOfCycles()
                .because("each package can then be read, tested and changed from the bottom up")
                .check(production);
    }

    @Test
    void protocolDependsOnNoTransportNorTheHub() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jobpulse.rest..",
                        "io.jobpulse.websocket..",
                        "io.jobpulse.fallback..",
                        "io.jobpulse.http..",
                        "io.jobpulse.hub..",
                        "io.jobpulse.execution..",
                        "io.jobpulse.store..",
                        "jakarta.ws.rs..",
                        "jakarta.servlet..")
                .because("the wire format is written once, in protocol, and shared by every transport")
                .check(production);
    }

    @Test
    void hubDoesNotDependOnEndpoints() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.hub..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jobpulse.rest..", "io.jobpulse.websocket..", "io.jobpulse.fallback..", "io.jobpulse.http..")
                .because("the hub fans events out to watchers, whatever transport they use")
                .check(production);
    }

    @Test
    void hubKnowsNeitherTheStoreNorTokensNorWhoWritesEvents() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.hub..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jobpulse.store..",
                        "io.jobpulse.security..",
                        "io.jobpulse.watch..",
                        "io.jobpulse.execution..",
                        "java.sql..")
                .because("the hub only fans committed events out; starting a watch (tokens, the store) is watch's job,"
                        + " and events reach it through EventPublisher, so a cluster can feed it events of other nodes")
                .check(production);
    }

    @Test
    void executionReachesTheHubOnlyThroughEventPublisher() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.execution..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.jobpulse.hub..")
                        .and(not(belongToAnyOf(io.jobpulse.hub.EventPublisher.class))))
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jobpulse.watch..",
                        "io.jobpulse.websocket..",
                        "io.jobpulse.fallback..",
                        "io.jobpulse.rest..",
                        "io.jobpulse.http..",
                        "io.jobpulse.protocol..")
                .because("events flow one way: a writer commits them and hands them to the one publisher interface;"
                        + " nothing on the path calls back up")
                .check(production);
    }

    @Test
    void httpPlumbingDependsOnNoEndpoint() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.jobpulse.rest..", "io.jobpulse.websocket..", "io.jobpulse.fallback..")
                .because("rest and fallback both build on it")
                .check(production);
    }

    @Test
    void webSocketDependsOnNoOtherTransport() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.websocket..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.jobpulse.rest..", "io.jobpulse.fallback..", "io.jobpulse.http..")
                .because("the transports share protocol and hub, not each other")
                .check(production);
    }

    @Test
    void fallbackDependsOnNoOtherTransport() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.fallback..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.jobpulse.rest..", "io.jobpulse.websocket..")
                .because("the transports share protocol, hub and http, not each other")
                .check(production);
    }

    @Test
    void restDependsOnNoOtherTransportButCountsWebSocketSessions() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.rest..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.jobpulse.fallback..")
                .orShould()
                .dependOnClassesThat(resideInWebSocketBut(OpenSessions.class))
                .because("GET /api/node reads the WebSocket connection count from OpenSessions (rest/package-info);"
                        + " nothing else of a transport")
                .check(production);
    }

    @Test
    void healthKnowsNoTransportNorTheJobMachinery() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.health..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jobpulse.rest..",
                        "io.jobpulse.websocket..",
                        "io.jobpulse.fallback..",
                        "io.jobpulse.http..",
                        "io.jobpulse.hub..",
                        "io.jobpulse.watch..",
                        "io.jobpulse.execution..",
                        "io.jobpulse.jobs..",
                        "io.jobpulse.security..",
                        "jakarta.ws.rs..")
                .orShould()
                .dependOnClassesThat(resideInAPackage("io.jobpulse.store..")
                        .and(not(belongToAnyOf(io.jobpulse.store.Database.class))))
                .because("readiness learns that the node started and stops from the CDI events of the application scope"
                        + " and asks the store's DataSource itself; the API (/api/node) may then report it without a"
                        + " cycle")
                .check(production);
    }

    /**
     * The Java client (src/client/java) ships as a jar of its own that enterprise applications put next to theirs: it
     * may use the JDK and JSON-P, nothing of the server nor any other library. Its classes as the client jar has them
     * (target/client-classes, compiled at the compile phase), since the test classpath has a copy among the tests.
     */
    @Test
    void theJavaClientUsesOnlyTheJdkAndJsonP() {
        JavaClasses client = new ClassFileImporter().importPath(Path.of("target", "client-classes"));
        assertThat(client.containPackage("io.jobpulse.client")).isTrue();
        assertThat(client).anyMatch(c -> c.getSimpleName().equals("JobPulseClient"));
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "jakarta.json..", "io.jobpulse.client..")
                .because("the client is a small jar with JSON-P as its only dependency (docs/java-client.md)")
                .check(client);
    }

    private static DescribedPredicate<JavaClass> resideInWebSocketBut(Class<?> allowed) {
        return resideInAPackage("io.jobpulse.websocket..").and(not(belongToAnyOf(allowed)));
    }
}
