package io.jobpulse.json;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider JobPulse uses, looked up once. {@code Jsonp.PROVIDER.createObjectBuilder()} and the other static
 * methods of {@code jakarta.json.Json} look the provider up again on every call (a {@code ServiceLoader} scan of the
 * class path: about a tenth of the CPU of a WebSocket handshake and subscribe on Tomcat); the provider itself is
 * thread-safe.
 */
public final class Jsonp {

    public static final JsonProvider PROVIDER = JsonProvider.provider();

    private Jsonp() {}
}
