package io.jobpulse.rest;

import io.jobpulse.api.ExternalJobType;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.ParameterSpec;
import io.jobpulse.execution.ExternalJobs;
import io.jobpulse.execution.JobService;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/job-types}: every job type with its description and parameters, the handlers' first, then the
 * external ones (marked {@code "external": true}, with their heartbeat timeout). Public: it reveals no jobs.
 */
@Path("job-types")
@RequestScoped
public class JobTypesResource {

    @Inject
    JobService jobs;

    @Inject
    ExternalJobs externals;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list() {
        JsonArrayBuilder types = Jsonp.PROVIDER.createArrayBuilder();
        for (JobHandler handler : jobs.jobTypes()) {
            types.add(Jsonp.PROVIDER
                    .createObjectBuilder()
                    .add("name", handler.type().name())
                    .add("description", handler.type().description())
                    .add("parameters", parameters(handler.type().parameters()))
                    .add("external", false));
        }
        for (ExternalJobType type : jobs.externalJobTypes()) {
            types.add(Jsonp.PROVIDER
                    .createObjectBuilder()
                    .add("name", type.name())
                    .add("description", type.description())
                    .add("parameters", parameters(type.parameters().orElse(List.of())))
                    .add("external", true)
                    .add("anyParameters", type.takesAnyParameters())
                    .add(
                            "heartbeatTimeoutMs",
                            externals.heartbeatTimeout(type.name()).toMillis()));
        }
        return JsonMaps.write(
                Jsonp.PROVIDER.createObjectBuilder().add("types", types).build());
    }

    private static JsonArrayBuilder parameters(List<ParameterSpec> specs) {
        JsonArrayBuilder params = Jsonp.PROVIDER.createArrayBuilder();
        for (ParameterSpec p : specs) {
            JsonObjectBuilder param = Jsonp.PROVIDER
                    .createObjectBuilder()
                    .add("name", p.name())
                    .add("type", p.kind().name().toLowerCase(Locale.ROOT))
                    .add("description", p.description())
                    .add("required", p.required())
                    .add("default", JsonMaps.toJsonValue(p.defaultValue()));
            switch (p.kind()) {
                case INTEGER ->
                    param.add("min", JsonMaps.toJsonValue(p.min())).add("max", JsonMaps.toJsonValue(p.max()));
                case STRING -> param.add("maxLength", JsonMaps.toJsonValue(p.max()));
                case BOOLEAN -> {}
            }
            params.add(param);
        }
        return params;
    }
}
