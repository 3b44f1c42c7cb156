package io.jobpulse.client;

/**
 * Why a job {@code FAILED}: a kind ({@code worker_lost}, {@code timeout}, {@code handler_error}, a handler's or
 * worker's own) and a message.
 */
public record JobError(String kind, String message) {}
