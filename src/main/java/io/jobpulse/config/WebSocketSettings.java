package io.jobpulse.config;

import java.time.Duration;

/**
 * Every {@code jobpulse.ws.*} setting: how long, how large and how many for the WebSocket transport. docs/limits.md
 * says what a client sees when one trips.
 *
 * @param idleTimeout              {@code jobpulse.ws.idle-timeout}: a connection whose client sent nothing for this
 *                                 long is closed (4000); the client's {@code ping} keeps it open
 * @param maxSubscriptions         {@code jobpulse.ws.max-subscriptions}: subscriptions per connection
 * @param permessageDeflate        {@code jobpulse.ws.permessage-deflate}: let the container negotiate compression
 * @param outboxMessages           {@code jobpulse.ws.outbox-messages}: messages waiting for one connection (4008);
 *                                 also the default of {@code jobpulse.sse.outbox-messages} ({@link SseSettings})
 * @param outboxBytes              {@code jobpulse.ws.outbox-bytes}: bytes waiting for one connection (4008)
 * @param sendWindow               {@code jobpulse.ws.send-window}: bytes sent to one connection that its client has
 *                                 not yet confirmed having read (by answering a ping); beyond it the outbox waits,
 *                                 coalescing progress. At least 4096, so one message always fits
 * @param maxLag                   {@code jobpulse.ws.max-lag}: how long one send, or one ping's answer, may stay
 *                                 outstanding (4008)
 * @param maxMessageBytes          {@code jobpulse.ws.max-message-bytes}: largest client text message, after
 *                                 reassembly of fragments (1009); the largest valid message is about 1.1 KB, and
 *                                 containers size each connection's receive buffer by it. 256 to
 *                                 {@link #MAX_MESSAGE_BYTES_LIMIT}
 * @param maxMessagesPerSecond     {@code jobpulse.ws.max-messages-per-second}: sustained client messages per
 *                                 connection, after a burst of {@code max-subscriptions} + this (4029)
 * @param subscribeDeadline        {@code jobpulse.ws.subscribe-deadline}: time from the handshake to the first
 *                                 successful subscribe (4001)
 * @param maxConnections           {@code jobpulse.ws.max-connections}: open connections on the node (503)
 * @param maxConnectionsPerAddress {@code jobpulse.ws.max-connections-per-address}: per remote address (429)
 * @param maxConnectionsPerClient  {@code jobpulse.ws.max-connections-per-client}: per API client whose jobs the
 *                                 connection watches, counted at its first subscription (4013)
 */
public record WebSocketSettings(
        Duration idleTimeout,
        int maxSubscriptions,
        boolean permessageDeflate,
        int outboxMessages,
        int outboxBytes,
        int sendWindow,
        Duration maxLag,
        int maxMessageBytes,
        int maxMessagesPerSecond,
        Duration subscribeDeadline,
        int maxConnections,
        int maxConnectionsPerAddress,
        int maxConnectionsPerClient) {

    /** The {@code maxMessageSize} of the endpoint's {@code @OnMessage}: no setting may exceed what it declares. */
    public static final int MAX_MESSAGE_BYTES_LIMIT = 64 * 1024;

    static WebSocketSettings read(SettingReader r) {
        return new WebSocketSettings(
                r.duration("jobpulse.ws.idle-timeout", Duration.ofSeconds(60)),
                r.count("jobpulse.ws.max-subscriptions", 1000),
                r.flag("jobpulse.ws.permessage-deflate", false),
                r.count("jobpulse.ws.outbox-messages", 5000),
                r.count("jobpulse.ws.outbox-bytes", 1024 * 1024),
                r.between("jobpulse.ws.send-window", 64 * 1024, 4096, Integer.MAX_VALUE, "bytes"),
                r.duration("jobpulse.ws.max-lag", Duration.ofSeconds(30)),
                r.between("jobpulse.ws.max-message-bytes", 2 * 1024, 256, MAX_MESSAGE_BYTES_LIMIT, "bytes"),
                r.count("jobpulse.ws.max-messages-per-second", 20),
                r.duration("jobpulse.ws.subscribe-deadline", Duration.ofSeconds(30)),
                r.count("jobpulse.ws.max-connections", 50_000),
                r.count("jobpulse.ws.max-connections-per-address", 20_000),
                r.count("jobpulse.ws.max-connections-per-client", 20_000));
    }

    /** The defaults, for code that runs without CDI (unit tests, a decoder the container made before CDI). */
    public static WebSocketSettings defaults() {
        return read(SettingReader.DEFAULTS);
    }
}
