package io.jobpulse.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job type whose jobs run outside JobPulse: an application's own worker (an EJB, a batch job, a script on another
 * host) does the work and reports its progress and its end over REST ({@code POST /api/jobs/{id}/reports}). No node of
 * JobPulse runs or claims such a job. Declare one as a CDI bean, for example with a producer method of an
 * {@code @ApplicationScoped} class; JobPulse finds every such bean at deployment, like {@link JobHandler} beans, and a
 * name may be either a handler's type or an external type, never both.
 *
 * @param parameters       the parameters a submission must fit, checked as a handler type's are; empty: any JSON object
 *                         (the shipped type {@code external})
 * @param heartbeatTimeout how long the worker may stay silent (from submit while the job is QUEUED, from its last
 *                         report while it is RUNNING) before the job ends FAILED {@code worker_lost}; empty:
 *                         {@code jobpulse.external.heartbeat-timeout}
 */
public record ExternalJobType(
        String name,
        String description,
        Optional<List<ParameterSpec>> parameters,
        Optional<Duration> heartbeatTimeout) {

    public ExternalJobType {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        new JobType(name, description, List.of()); // the same rules for names as every job type
        if (heartbeatTimeout.filter(t -> t.isNegative() || t.isZero()).isPresent()) {
            throw new IllegalArgumentException("a heartbeat timeout must be positive: " + heartbeatTimeout.get());
        }
        parameters = parameters.map(List::copyOf);
    }

    /** A type whose parameters must fit {@code parameters}, with its own heartbeat timeout. */
    public ExternalJobType(String name, String description, List<ParameterSpec> parameters, Duration heartbeatTimeout) {
        this(name, description, Optional.of(parameters), Optional.of(heartbeatTimeout));
    }

    /** A type that takes any JSON object as parameters, with the configured heartbeat timeout. */
    public static ExternalJobType withAnyParameters(String name, String description) {
        return new ExternalJobType(name, description, Optional.empty(), Optional.empty());
    }

    /** True when any JSON object is a valid set of parameters. */
    public boolean takesAnyParameters() {
        return parameters.isEmpty();
    }

    /** Checks submitted values against the specs, as {@link JobType#validate} does; any object when there are none. */
    public JobParameters validate(Map<String, Object> raw) throws InvalidParametersException {
        if (parameters.isEmpty()) {
            return new JobParameters(raw);
        }
        return new JobType(name, description, parameters.get()).validate(raw);
    }
}
