package io.jobpulse.fallback;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;

/**
 * {@code GET /api/stream?watch=<jobId>:<token>[:<since>]&watch=...}: one SSE stream for several jobs, the fallback
 * for clients whose WebSocket cannot connect. Watch tokens authorise, no API key.
 */
@Path("stream")
@RequestScoped
public class MultiJobStreamResource {

    @Inject
    SseStreamer streamer;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("watch") List<String> watch, @Context SseEventSink sink, @Context Sse sse) {
        streamer.stream(WatchRequest.parseAll(watch), false, sink, sse);
    }
}
