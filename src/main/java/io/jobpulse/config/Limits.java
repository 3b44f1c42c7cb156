package io.jobpulse.config;

import java.time.Duration;

/**
 * The protective limits of one node, each with its {@code jobpulse.*} key and a default that real use never meets;
 * docs/limits.md says what a client sees when one trips.
 *
 * @param wsMaxMessageBytes          {@code jobpulse.ws.max-message-bytes}: largest client text message, after
 *                                   reassembly of fragments (1009); the largest valid message is about 1.1 KB, and
 *                                   containers size each connection's receive buffer by it
 * @param wsMessagesPerSecond        {@code jobpulse.ws.max-messages-per-second}: sustained client messages per
 *                                   connection; bursts up to {@code max-subscriptions} more pass (4029)
 * @param wsMaxConnections           {@code jobpulse.ws.max-connections}: open WebSocket connections on the node (503)
 * @param wsMaxConnectionsPerAddress {@code jobpulse.ws.max-connections-per-address}: per remote address (429)
 * @param wsMaxConnectionsPerClient  {@code jobpulse.ws.max-connections-per-client}: per API client whose jobs the
 *                                   connection watches, counted at its first subscription (4013)
 * @param wsSubscribeDeadline        {@code jobpulse.ws.subscribe-deadline}: time from the handshake to the first
 *                                   successful subscribe (4001)
 * @param wsOutboxBytes              {@code jobpulse.ws.outbox-bytes}: bytes waiting for one connection (4008)
 * @param wsSendWindow               {@code jobpulse.ws.send-window}: bytes sent to one connection that its client
 *                                   has not yet confirmed having read (by answering a ping); beyond it the outbox
 *                                   waits, coalescing progress
 * @param wsMaxLag                   {@code jobpulse.ws.max-lag}: how long one send, or one ping's answer, may stay
 *                                   outstanding (4008)
 * @param submissionsPerMinute       {@code jobpulse.rest.submissions-per-minute}: job submissions per API client (429)
 * @param maxQueuedJobsPerClient     {@code jobpulse.max-queued-jobs-per-client}: QUEUED jobs per API client (429)
 * @param jsonMaxDepth               {@code jobpulse.json.max-depth}: nesting of objects and arrays (400 / 1007)
 * @param jsonMaxNumberLength        {@code jobpulse.json.max-number-length}: characters of one number literal
 * @param jsonMaxStringLength        {@code jobpulse.json.max-string-length}: characters of one string or key
 * @param jobTimeout                 {@code jobpulse.job-timeout}: run time of a job whose type declares none
 */
public record Limits(
        int wsMaxMessageBytes,
        int wsMessagesPerSecond,
        int wsMaxConnections,
        int wsMaxConnectionsPerAddress,
        int wsMaxConnectionsPerClient,
        Duration wsSubscribeDeadline,
        int wsOutboxBytes,
        int wsSendWindow,
        Duration wsMaxLag,
        int submissionsPerMinute,
        int maxQueuedJobsPerClient,
        int jsonMaxDepth,
        int jsonMaxNumberLength,
        int jsonMaxStringLength,
        Duration jobTimeout) {

    /** The defaults, as documented in docs/limits.md. */
    public static Limits defaults() {
        return new Limits(2 * 1024, 20, 50_000, 20_000, 20_000, Duration.ofSeconds(30), 1024 * 1024,
                64 * 1024, Duration.ofSeconds(30), 600, 1000, 32, 64, 64 * 1024, Duration.ofHours(1));
    }
}
