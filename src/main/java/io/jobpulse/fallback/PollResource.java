package io.jobpulse.fallback;

import io.jobpulse.http.LongPoller;
import io.jobpulse.hub.Opening;
import io.jobpulse.job.Job;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.ServerMessage;
import io.jobpulse.protocol.ServerMessageEncoder;
import io.jobpulse.watch.WatchService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/poll?watch=<jobId>:<token>[:<since>]&watch=...&wait=25s}: long polling for several jobs, the last
 * fallback. Answers {@code {"messages":[...]}} with, per job, the events after its {@code since} (or a snapshot when
 * there is no {@code since} or it cannot be replayed) as soon as there is any, else when the first new event
 * arrives or {@code wait} (at most 60 s) ends. Watch tokens authorise, no API key.
 */
@Path("poll")
@RequestScoped
public class PollResource {

    @Inject
    WatchService watching;

    @Inject
    LongPoller poller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public void poll(
            @QueryParam("watch") List<String> watch, @QueryParam("wait") String wait, @Suspended AsyncResponse async) {
        List<WatchRequest> watches = WatchRequest.parseAll(watch);
        Map<JobId, Long> waitable = new LinkedHashMap<>();
        Optional<String> now = messages(watches, waitable);
        poller.answer(
                async,
                LongPoller.waitParam(wait),
                waitable,
                now,
                () -> messages(watches, new LinkedHashMap<>()),
                () -> ServerMessageEncoder.pollAnswer(List.of()));
    }

    /** What there is to say about each watch now; {@code waitable} gets the jobs that may still change. */
    private Optional<String> messages(List<WatchRequest> watches, Map<JobId, Long> waitable) {
        List<ServerMessage> messages = new ArrayList<>();
        for (WatchRequest w : watches) {
            Optional<Job> job = watching.authorize(w.job(), w.token());
            if (job.isEmpty()) {
                messages.add(ServerMessage.Error.notFound(w.job()));
                continue;
            }
            Job now = job.get();
            if (w.since().isPresent() && w.since().getAsLong() == now.seq()) {
                if (!now.state().isTerminal()) {
                    waitable.put(now.id(), now.seq());
                }
                continue;
            }
            Opening opening = watching.opening(now, w.since());
            opening.messages().stream()
                    .filter(m -> !(m instanceof ServerMessage.Subscribed))
                    .forEach(messages::add);
        }
        return messages.isEmpty() ? Optional.empty() : Optional.of(ServerMessageEncoder.pollAnswer(messages));
    }
}
