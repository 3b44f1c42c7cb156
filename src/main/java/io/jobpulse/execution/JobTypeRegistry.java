package io.jobpulse.execution;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.JobHandler;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Every job type of the deployment by name: the {@link JobHandler} beans and the {@link ExternalJobType} beans. A name
 * declared twice (two handlers, two external types, or a handler and an external type) fails the deployment at start.
 */
@ApplicationScoped
public class JobTypeRegistry {

    private static final Logger LOG = Logger.getLogger(JobTypeRegistry.class.getName());

    @Inject
    @Any
    Instance<JobHandler> handlers;

    @Inject
    @Any
    Instance<ExternalJobType> externalTypes;

    private final Map<String, JobHandler> byName = new TreeMap<>();
    private final Map<String, ExternalJobType> externalByName = new TreeMap<>();

    @PostConstruct
    void collect() {
        for (JobHandler handler : handlers) {
            JobHandler earlier = byName.putIfAbsent(handler.type().name(), handler);
            if (earlier != null) {
                throw new IllegalStateException("Two job handlers for type '"
                        + handler.type().name() + "': " + earlier.getClass().getName() + " and "
                        + handler.getClass().getName());
            }
        }
        for (ExternalJobType type : externalTypes) {
            if (byName.containsKey(type.name())) {
                throw new IllegalStateException("Job type '" + type.name()
                        + "' is declared twice: by a JobHandler and as an ExternalJobType; a type runs either here or"
                        + " elsewhere");
            }
            if (externalByName.putIfAbsent(type.name(), type) != null) {
                throw new IllegalStateException(
                        "Job type '" + type.name() + "' is declared twice: by two ExternalJobType beans");
            }
        }
        LOG.info(() -> "JobPulse job types: " + byName.keySet() + "; external: " + externalByName.keySet());
    }

    /**
     * Collects the types at start-up (observing creates the bean, so {@link #collect} runs now), so that a name
     * declared twice fails the deployment, not the first request.
     */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object contextStarted) {
        // nothing more: collect() has run
    }

    public Optional<JobHandler> handler(String type) {
        return Optional.ofNullable(byName.get(type));
    }

    public Collection<JobHandler> all() {
        return byName.values();
    }

    public Optional<ExternalJobType> external(String type) {
        return Optional.ofNullable(externalByName.get(type));
    }

    /** The external types, by name. */
    public Collection<ExternalJobType> externals() {
        return externalByName.values();
    }
}
