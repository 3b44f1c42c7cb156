package io.jobpulse.execution;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/** Every {@link JobHandler} bean of the deployment, by type name; two handlers for one name fail the deployment. */
@ApplicationScoped
public class JobTypeRegistry {

    private static final Logger LOG = Logger.getLogger(JobTypeRegistry.class.getName());

    @Inject
    @Any
    Instance<JobHandler> handlers;

    private final Map<String, JobHandler> byName = new TreeMap<>();

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
        LOG.info(() -> "JobPulse job types: " + byName.keySet());
    }

    public Optional<JobHandler> handler(String type) {
        return Optional.ofNullable(byName.get(type));
    }

    public Collection<JobHandler> all() {
        return byName.values();
    }
}
