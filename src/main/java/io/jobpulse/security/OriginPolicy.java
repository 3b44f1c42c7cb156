package io.jobpulse.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a WebSocket handshake's {@code Origin} may connect: no header (a non-browser client) is allowed;
 * otherwise the origin must be the page's own (same host and port as the request's {@code Host}) or one of
 * {@code jobpulse.allowed-origins}, compared exactly (scheme, host and port). {@code null} and look-alikes are refused.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    }

    public boolean permits(String origin, String hostHeader) {
        if (origin == null) {
            return true;
        }
        String normalised = normalise(origin);
        if (normalised.isEmpty()) {
            return false;
        }
        if (allowed.contains(normalised)) {
            return true;
        }
        return hostHeader != null
                && authorityOf(normalised)
                        .equals(withoutDefaultPort(normalised, hostHeader.trim().toLowerCase(Locale.ROOT)));
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or "" when it is not such an origin. */
    static String normalise(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null
                    || host == null
                    || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return "";
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort =
                    port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static String authorityOf(String normalisedOrigin) {
        return normalisedOrigin.substring(normalisedOrigin.indexOf("://") + 3);
    }

    /** The Host header without the port that is the default of the origin's scheme. */
    private static String withoutDefaultPort(String normalisedOrigin, String host) {
        String defaultPort = normalisedOrigin.startsWith("https://")
                ? ":443"
                : normalisedOrigin.startsWith("http://") ? ":80" : null;
        if (defaultPort != null && host.endsWith(defaultPort)) {
            return host.substring(0, host.length() - defaultPort.length());
        }
        return host;
    }
}
