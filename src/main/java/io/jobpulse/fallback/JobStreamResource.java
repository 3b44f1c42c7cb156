package io.jobpulse.fallback;

import io.jobpulse.http.ApiProblem;
import io.jobpulse.watch.WatchService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /api/jobs/{id}/stream?token=<watch token>&since=N}: the SSE stream of one job. Each event's
 * {@code id} is its {@code seq}; a reconnecting {@code EventSource} sends {@code Last-Event-ID}, which wins over
 * {@code since}. An unknown job or a token that does not grant it answers 404 before the stream starts.
 */
@Path("jobs/{id}/stream")
@RequestScoped
public class JobStreamResource {

    @Inject
    SseStreamer streamer;

    @Inject
    WatchService watching;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(
            @PathParam("id") String id,
            @QueryParam("token") String token,
            @QueryParam("since") String since,
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink,
            @Context Sse sse) {
        if (token == null || watching.authorize(id, token).isEmpty()) {
            throw ApiProblem.notFound();
        }
        OptionalLong resumeFrom = lastEventId != null && !lastEventId.isBlank()
                ? WatchRequest.since(lastEventId.trim())
                : WatchRequest.since(since);
        streamer.stream(List.of(new WatchRequest(id, token, resumeFrom)), true, sink, sse);
    }
}
