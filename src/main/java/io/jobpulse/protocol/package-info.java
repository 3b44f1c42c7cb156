/**
 * The wire format, {@code jobpulse.v1} and {@code jobpulse.v2}: message records for each direction, the one encoder
 * and decoder of their JSON text, and every other JSON envelope the transports send (long-poll answer, SSE message,
 * event log, problem+json); of JobPulse it imports only {@code job}, {@code json} and {@code config}, never a
 * transport package or the hub (it implements the WebSocket codec interfaces, and nothing of JAX-RS or servlets).
 */
package io.jobpulse.protocol;
