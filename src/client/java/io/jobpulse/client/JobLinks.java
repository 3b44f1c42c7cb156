package io.jobpulse.client;

import java.net.URI;
import java.util.Optional;

/**
 * The links of a job view: the job itself, its event log, its cancel, the WebSocket to watch it, and for an external
 * job the URL its worker reports to.
 */
public record JobLinks(URI self, URI events, URI cancel, URI watch, Optional<URI> report) {}
