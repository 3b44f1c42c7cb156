package io.jobpulse.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.ParameterSpec;
import io.jobpulse.jobs.ExternalJob;
import io.jobpulse.jobs.StepsJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.List;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * How the deployment finds its job types: handler beans and external type beans, collected at start-up by the real
 * registry in a real CDI container (Weld SE), with the shipped types and an application's own.
 */
class JobTypeRegistryTest {

    /** An application's own external type, declared as applications do: a producer. */
    @ApplicationScoped
    public static class InvoiceExport {
        @Produces
        @Dependent
        ExternalJobType invoiceExport() {
            return new ExternalJobType(
                    "invoice-export",
                    "Exports invoices",
                    List.of(ParameterSpec.requiredInteger("year", "The year", 2000, 2100)),
                    Duration.ofMinutes(5));
        }
    }

    /** An external type named like a shipped handler type. */
    @ApplicationScoped
    public static class StepsAgain {
        @Produces
        @Dependent
        ExternalJobType steps() {
            return ExternalJobType.withAnyParameters("steps", "steps, elsewhere");
        }
    }

    /** A second external type named like the shipped one. */
    @ApplicationScoped
    public static class ExternalAgain {
        @Produces
        @Dependent
        ExternalJobType external() {
            return ExternalJobType.withAnyParameters("external", "mine");
        }
    }

    private static Weld weldWith(Class<?>... beans) {
        return new Weld("job-types-" + System.nanoTime())
                .disableDiscovery()
                .addBeanClass(JobTypeRegistry.class)
                .addBeanClasses(beans)
                .skipShutdownHook();
    }

    @Test
    void handlerTypesAndExternalTypesAreFoundByName() {
        try (WeldContainer container =
                weldWith(StepsJob.class, ExternalJob.class, InvoiceExport.class).initialize()) {
            JobTypeRegistry types = container.select(JobTypeRegistry.class).get();

            assertThat(types.handler("steps")).isPresent();
            assertThat(types.external("steps")).isEmpty();
            assertThat(types.externals())
                    .extracting(ExternalJobType::name)
                    .containsExactly("external", "invoice-export");
            assertThat(types.external("external").orElseThrow().takesAnyParameters())
                    .isTrue();
            assertThat(types.external("invoice-export").orElseThrow().heartbeatTimeout())
                    .contains(Duration.ofMinutes(5));
            assertThat(types.handler("external")).isEmpty();
        }
    }

    @Test
    void aNameUsedByAHandlerAndAnExternalTypeFailsTheStartUp() {
        assertThatThrownBy(() -> weldWith(StepsJob.class, StepsAgain.class).initialize())
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Job type 'steps' is declared twice: by a JobHandler and as an ExternalJobType; a type"
                        + " runs either here or elsewhere");
    }

    @Test
    void aNameUsedByTwoExternalTypesFailsTheStartUp() {
        assertThatThrownBy(
                        () -> weldWith(ExternalJob.class, ExternalAgain.class).initialize())
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Job type 'external' is declared twice: by two ExternalJobType beans");
    }

    @Test
    void anExternalTypeValidatesItsParametersOrTakesAnyObject() throws Exception {
        ExternalJobType invoices = new InvoiceExport().invoiceExport();

        assertThat(invoices.validate(java.util.Map.of("year", 2024L)).values()).containsEntry("year", 2024L);
        assertThatThrownBy(() -> invoices.validate(java.util.Map.of("year", 1999L, "x", 1L)))
                .isInstanceOf(InvalidParametersException.class)
                .satisfies(e -> assertThat(((InvalidParametersException) e).violations())
                        .extracting(InvalidParametersException.Violation::parameter)
                        .containsExactlyInAnyOrder("x", "year"));
        assertThat(ExternalJobType.withAnyParameters("external", "")
                        .validate(java.util.Map.of("anything", java.util.List.of(1L, "two")))
                        .values())
                .containsEntry("anything", java.util.List.of(1L, "two"));
        assertThatThrownBy(() -> ExternalJobType.withAnyParameters("Not A Name", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExternalJobType("x", "", List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
