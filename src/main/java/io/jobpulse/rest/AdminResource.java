package io.jobpulse.rest;

import io.jobpulse.execution.JobService;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import io.jobpulse.protocol.JobJson;
import io.jobpulse.security.WatchTokens;
import io.jobpulse.store.JdbcJobListing;
import io.jobpulse.store.JobPage;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/**
 * {@code /api/admin}: what an API client with the admin role ({@code jobpulse.admin-clients}) may do with every
 * client's jobs: list them with filters and a cursor, read one, cancel one; and {@code whoami}, by which the page
 * learns that its key has the role. Any other client gets 403 ({@link AdminFilter}). See docs/api.md, "Admin API".
 */
@Path("admin")
@RequestScoped
@Authenticated
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    JdbcJobListing listing;

    @Inject
    JobService jobs;

    @Inject
    WatchTokens tokens;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @GET
    @Path("whoami")
    public String whoami() {
        return JsonMaps.write(Jsonp.PROVIDER
                .createObjectBuilder()
                .add("client", security.getUserPrincipal().getName())
                .add("admin", true)
                .build());
    }

    @GET
    @Path("jobs")
    public String list(
            @QueryParam("state") String state,
            @QueryParam("type") String type,
            @QueryParam("client") String client,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("q") String q,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        AdminJobQuery query = AdminJobQuery.parse(state, type, client, from, to, q, cursor, limit);
        JobPage page = query.id().isPresent()
                ? new JobPage(
                        jobs.find(query.id().get()).filter(job -> query.filter().admits(job)).stream()
                                .toList(),
                        Optional.empty())
                : listing.list(query.filter(), query.limit(), query.cursor());
        return JobsResource.pageBody(page, this::view);
    }

    @GET
    @Path("jobs/{id}")
    public String get(@PathParam("id") String id) {
        return view(JobId.parse(id).flatMap(jobs::find).orElseThrow(ApiProblem::notFound))
                .toString();
    }

    /** Cancels any client's job, as its owner could (same answers: 202, 404, 409). */
    @POST
    @Path("jobs/{id}/cancel")
    public Response cancel(@PathParam("id") String id) {
        Job job = JobId.parse(id).flatMap(jobs::find).orElseThrow(ApiProblem::notFound);
        Job cancelled = JobsResource.accepted(jobs.cancel(job.owner(), job.id()).orElseThrow(ApiProblem::notFound));
        return Response.accepted(view(cancelled).toString())
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * The owner's view of the job (with {@code owner} and a fresh {@code watchToken}, so that the page can watch it
     * live), its {@code self} and {@code cancel} links the admin API's.
     */
    private JsonObject view(Job job) {
        String self = uri.getBaseUriBuilder()
                .path("admin/jobs")
                .path(job.id().value())
                .build()
                .toString();
        JsonObject links = Jsonp.PROVIDER
                .createObjectBuilder(JobLinks.of(uri, job.id(), job.external()))
                .add("self", self)
                .add("cancel", self + "/cancel")
                .build();
        return JobJson.ownerView(job, tokens.issue(job.id()), Optional.empty(), links);
    }
}
