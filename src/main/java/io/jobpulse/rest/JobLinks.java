package io.jobpulse.rest;

import io.jobpulse.job.JobId;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/** Absolute links of a job, built from the request's own base URI (never a configured host). */
final class JobLinks {

    private JobLinks() {}

    static URI self(UriInfo uri, JobId id) {
        return uri.getBaseUriBuilder().path("jobs").path(id.value()).build();
    }

    /** The links of a job: {@code report} too when it is external. */
    static JsonObject of(UriInfo uri, JobId id, boolean external) {
        URI self = self(uri, id);
        URI base = uri.getBaseUri();
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        URI watch = URI.create(
                scheme + "://" + base.getRawAuthority() + base.getRawPath().replaceAll("api/?$", "") + "ws");
        JsonObjectBuilder links = Jsonp.PROVIDER
                .createObjectBuilder()
                .add("self", self.toString())
                .add("events", self + "/events")
                .add("cancel", self + "/cancel")
                .add("watch", watch.toString());
        if (external) {
            links.add("report", self + "/reports");
        }
        return links.build();
    }
}
