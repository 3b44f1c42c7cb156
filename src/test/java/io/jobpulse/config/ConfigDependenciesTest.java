package io.jobpulse.config;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Every package reads its settings from {@code config}, so {@code config} must not depend on them: no package cycle
 * through the configuration. The one exception is {@code json}, whose {@code JsonLimits} is the value of the
 * {@code jobpulse.json.*} keys and which depends on no other JobPulse package itself, and {@code api}, which depends on
 * nothing but {@code java.*} and holds the limit {@code jobpulse.jobs.<type>.max-attempts} is checked against.
 */
class ConfigDependenciesTest {

    private static JavaClasses production() {
        return new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.jobpulse");
    }

    @Test
    void configDependsOnNoOtherJobPulsePackageButJsonAndApi() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.config..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.jobpulse..")
                        .and(resideOutsideOfPackages(
                                "io.jobpulse.config..", "io.jobpulse.json..", "io.jobpulse.api..")))
                .because("every package depends on config; per-type settings are resolved from a type's name and"
                        + " declarations, not from execution's classes")
                .check(production());
    }

    @Test
    void jsonDependsOnNoOtherJobPulsePackage() {
        noClasses()
                .that()
                .resideInAPackage("io.jobpulse.json..")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.jobpulse..").and(resideOutsideOfPackages("io.jobpulse.json..")))
                .because("config depends on json for JsonLimits")
                .check(production());
    }
}
