package io.jobpulse.protocol;

import jakarta.json.JsonValue;
import java.util.OptionalLong;

/** What a client sends, one record per {@code type}. */
public sealed interface ClientMessage {

    /** {@code {"type":"subscribe","job":ID,"token":T,"since":N?}} */
    record Subscribe(String job, String token, OptionalLong since) implements ClientMessage {}

    /** {@code {"type":"unsubscribe","job":ID}} */
    record Unsubscribe(String job) implements ClientMessage {}

    /** {@code {"type":"ping","id":X}}: X is any JSON scalar, echoed in the pong. */
    record Ping(JsonValue id) implements ClientMessage {}

    /** A message of a known type whose fields are wrong: answered with an error, the connection stays open. */
    record Invalid(String type, String job, String reason) implements ClientMessage {}
}
