package io.jobpulse.config;

/**
 * Every {@code jobpulse.sse.*} setting.
 *
 * @param outboxMessages {@code jobpulse.sse.outbox-messages}: events that may wait to be written to one SSE stream;
 *                       beyond that the stream ends and the client resumes from its last event id. Unset, it is
 *                       {@code jobpulse.ws.outbox-messages}, which bounded SSE streams before this key existed, so a
 *                       node configured with only that key behaves as it did
 */
public record SseSettings(int outboxMessages) {

    static SseSettings read(SettingReader r, WebSocketSettings webSocket) {
        return new SseSettings(r.count("jobpulse.sse.outbox-messages", webSocket.outboxMessages()));
    }
}
