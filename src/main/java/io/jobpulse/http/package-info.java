/**
 * JAX-RS plumbing shared by the REST API ({@code rest}) and the fallback transports ({@code fallback}): problem+json
 * errors and their exception mappers, and holding a long-poll request until a job changes; imports {@code protocol},
 * {@code hub}, {@code runtime} and {@code config}, never {@code rest}, {@code fallback} or {@code websocket}.
 */
package io.jobpulse.http;
