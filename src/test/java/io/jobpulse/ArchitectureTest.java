package io.jobpulse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        noClasses().that().resideInAPackage("io.jobpulse.job..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "jakarta.websocket..", "jakarta.ws.rs..", "jakarta.json..", "jakarta.servlet..", "java.sql..")
                .because("the job domain is plain Java; transports and storage adapt to it")
                .check(production);
    }

    @Test
    void protocolDoesNotDependOnEndpoints() {
        noClasses().that().resideInAPackage("io.jobpulse.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.jobpulse.rest..", "io.jobpulse.websocket..")
                .because("the protocol is shared by every transport")
                .check(production);
    }

    @Test
    void hubDoesNotDependOnEndpoints() {
        noClasses().that().resideInAPackage("io.jobpulse.hub..")
                .should().dependOnClassesThat().resideInAnyPackage("io.jobpulse.rest..", "io.jobpulse.websocket..")
                .because("the hub fans events out to watchers, whatever transport they use")
                .check(production);
    }
}
