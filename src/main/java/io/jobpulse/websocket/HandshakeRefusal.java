package io.jobpulse.websocket;

/** Why a WebSocket handshake is refused before the upgrade: the HTTP status and problem detail it gets. */
record HandshakeRefusal(int status, String title, String detail, int retryAfterSeconds) {

    static HandshakeRefusal nodeFull(int limit) {
        return new HandshakeRefusal(
                503,
                "Service Unavailable",
                "This node holds its maximum of " + limit + " WebSocket connections (jobpulse.ws.max-connections).",
                10);
    }

    static HandshakeRefusal addressFull(int limit) {
        return new HandshakeRefusal(
                429,
                "Too Many Requests",
                "This address holds its maximum of " + limit
                        + " WebSocket connections (jobpulse.ws.max-connections-per-address).",
                10);
    }
}
