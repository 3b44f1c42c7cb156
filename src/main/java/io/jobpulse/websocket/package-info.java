/**
 * The WebSocket transport (the {@code /ws} endpoint, its per-connection state, the serialised outbox and the
 * handshake checks); it builds on {@code hub}, {@code protocol}, {@code security}, {@code store}, {@code metrics},
 * {@code runtime} and {@code config}, never on {@code rest}, {@code fallback} or {@code http}.
 */
package io.jobpulse.websocket;
