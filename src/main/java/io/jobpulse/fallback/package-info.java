/**
 * Transports for browsers that cannot use WebSocket: Server-Sent Events and long polling. Both carry the same
 * messages as the WebSocket ({@code subscribed}, {@code snapshot}, {@code event}, {@code error}), with the same
 * watch tokens and the same ordering guarantees.
 */
package io.jobpulse.fallback;
