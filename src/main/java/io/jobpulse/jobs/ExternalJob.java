package io.jobpulse.jobs;

import io.jobpulse.api.ExternalJobType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Declares the generic external type {@code external}: a job whose work an application already runs somewhere else (an
 * EJB, a batch job, a script on another host) and whose worker reports its progress and end over REST. Any JSON object
 * is a valid set of parameters; its heartbeat timeout is {@code jobpulse.external.heartbeat-timeout}. Applications
 * declare their own external types the same way, with a producer of an {@link ExternalJobType}.
 */
@ApplicationScoped
public class ExternalJob {

    static final ExternalJobType TYPE = ExternalJobType.withAnyParameters(
            "external",
            "Work that runs outside JobPulse (your application, a batch job, a script): its worker reports progress "
                    + "and the end over REST with the job's report token. Any JSON object as parameters.");

    @Produces
    @Dependent
    ExternalJobType external() {
        return TYPE;
    }
}
