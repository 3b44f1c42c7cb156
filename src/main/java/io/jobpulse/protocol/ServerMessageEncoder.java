package io.jobpulse.protocol;

import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.Encoder;
import java.util.StringJoiner;

/**
 * Encodes server messages; an event is already text and is passed through untouched, and a batch joins the texts of
 * its messages. Stateless.
 */
public class ServerMessageEncoder implements Encoder.Text<ServerMessage> {

    private static final String BATCH_START = "{\"type\":\"batch\",\"messages\":[";

    @Override
    public String encode(ServerMessage message) {
        return text(message);
    }

    /** The JSON text of one message. */
    public static String text(ServerMessage message) {
        if (message instanceof ServerMessage.Event event) {
            return event.text();
        }
        if (message instanceof ServerMessage.Batch batch) {
            StringJoiner joined = new StringJoiner(",", BATCH_START, "]}");
            batch.messages().forEach(m -> joined.add(text(m)));
            return joined.toString();
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
            throw new IllegalArgumentException("unknown server message " + message.getClass().getName());
        }
        return JsonMaps.write(b.build());
    }
}
