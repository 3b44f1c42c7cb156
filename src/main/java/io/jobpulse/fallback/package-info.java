/**
 * Transports for browsers that cannot use WebSocket, Server-Sent Events and long polling, carrying the same
 * protocol messages ({@code subscribed}, {@code snapshot}, {@code event}, {@code error}) with the same watch tokens
 * and ordering guarantees; it builds on {@code hub}, {@code protocol}, {@code http}, {@code runtime} and
 * {@code config}, never on {@code rest} or {@code websocket}.
 */
package io.jobpulse.fallback;
