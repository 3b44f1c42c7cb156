/** The WebSocket transport: the {@code /ws} endpoint, its per-connection state, the serialised outbox and the origin check. */
package io.jobpulse.websocket;
