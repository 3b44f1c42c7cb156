package io.jobpulse.protocol;

import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.Encoder;
import java.util.List;
import java.util.StringJoiner;

/**
 * The one writer of server message text, for every transport: the WebSocket container calls {@link #encode}, SSE and
 * long polling call the static methods. An event is already text: it is passed through untouched, or with
 * {@code skipped} added as its last member when it was coalesced. The lists ({@code batch}, the long-poll answer)
 * join the texts of their messages, so an event is never encoded again. Stateless.
 */
public class ServerMessageEncoder implements Encoder.Text<ServerMessage> {

    private static final String BATCH_START = "{\"type\":\"batch\",\"messages\":[";
    private static final String POLL_START = "{\"messages\":[";
    private static final String LIST_END = "]}";

    @Override
    public String encode(ServerMessage message) {
        return text(message);
    }

    /** The JSON text of one message. */
    public static String text(ServerMessage message) {
        if (message instanceof ServerMessage.Event event) {
            return event.skipped()
                    .map(range -> withSkipped(event.text(), range))
                    .orElse(event.text());
        }
        if (message instanceof ServerMessage.Batch batch) {
            return list(BATCH_START, batch.messages());
        }
        JsonObjectBuilder b = Jsonp.PROVIDER.createObjectBuilder();
        if (message instanceof ServerMessage.Subscribed s) {
            b.add("type", "subscribed").add("job", s.job()).add("resumed", s.resumed());
        } else if (message instanceof ServerMessage.Snapshot s) {
            b.add("type", "snapshot").add("job", s.job());
        } else if (message instanceof ServerMessage.Pong p) {
            b.add("type", "pong").add("id", p.id());
        } else if (message instanceof ServerMessage.Error e) {
            b.add("type", "error");
            if (e.job() != null) {
                b.add("job", e.job());
            }
            b.add("code", e.code().wire()).add("message", e.message());
        } else {
            throw new IllegalArgumentException(
                    "unknown server message " + message.getClass().getName());
        }
        return JsonMaps.write(b.build());
    }

    /**
     * The answer to a long poll, {@code {"messages":[M1,M2,...]}}: the same messages as on the WebSocket, possibly
     * none.
     */
    public static String pollAnswer(List<ServerMessage> messages) {
        return list(POLL_START, messages);
    }

    private static String list(String start, List<ServerMessage> messages) {
        StringJoiner joined = new StringJoiner(",", start, LIST_END);
        messages.forEach(m -> joined.add(text(m)));
        return joined.toString();
    }

    /**
     * The event's object with {@code "skipped":{"from":A,"to":B}} as its last member. The text is an object this
     * codebase encoded ({@link JobJson#eventText}), so it ends with its closing brace; the numbers need no escaping.
     */
    private static String withSkipped(String eventText, SkippedRange range) {
        if (!eventText.endsWith("}")) {
            throw new IllegalArgumentException("an event's text is a JSON object: " + eventText);
        }
        return new StringBuilder(eventText.length() + 40)
                .append(eventText, 0, eventText.length() - 1)
                .append(",\"skipped\":{\"from\":")
                .append(range.from())
                .append(",\"to\":")
                .append(range.to())
                .append("}}")
                .toString();
    }
}
