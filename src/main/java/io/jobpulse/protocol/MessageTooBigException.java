package io.jobpulse.protocol;

import jakarta.websocket.DecodeException;

/**
 * A client message over {@code jobpulse.ws.max-message-bytes}: the endpoint closes with 1009. Most containers
 * enforce the limit before decoding; Undertow (WildFly) delivers text messages of any size.
 */
public class MessageTooBigException extends DecodeException {

    private static final long serialVersionUID = 1L;

    public MessageTooBigException(int maxBytes) {
        super("", "message over " + maxBytes + " bytes");
    }
}
