package io.jobpulse.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code POST /api/jobs/{id}/reports} in JAX-RS: what {@link ReportFilter} leaves to JAX-RS (another method: 405; another
 * content type: 415; an {@code Accept} without JSON: 406), and every report in the in-process tests, which run the
 * resources without servlet filters. Either way {@link ReportIntake} takes the report.
 */
@Path("jobs/{id}/reports")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ReportsResource {

    @Inject
    ReportIntake intake;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public String report(
            @PathParam("id") String id,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            InputStream body,
            @Context HttpHeaders headers) {
        return intake.report(
                id, authorization, body, Optional.of((long) headers.getLength()).filter(length -> length >= 0));
    }
}
