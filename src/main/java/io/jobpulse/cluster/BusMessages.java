package io.jobpulse.cluster;

import io.jobpulse.job.JobId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of a notification: {@code jp1|<kind>|<node>|<body>}, the node URL-encoded. Hints are
 * {@code jp1|h|node|jobId:seq,jobId:seq...}, split so that no payload exceeds {@link #MAX_PAYLOAD} bytes (PostgreSQL
 * refuses 8000 and more). Anything else (another version, a foreign sender on the channel) is ignored.
 */
final class BusMessages {

    static final int MAX_PAYLOAD = 7900;
    private static final String VERSION = "jp1";

    private BusMessages() {}

    /** One or more payloads (several only for many hints). */
    static List<String> encode(BusMessage message) {
        String head =
                VERSION + "|" + kind(message) + "|" + URLEncoder.encode(message.from(), StandardCharsets.UTF_8) + "|";
        if (message instanceof BusMessage.Hints hints) {
            return hintPayloads(head, hints.upTo());
        }
        if (message instanceof BusMessage.Cancel cancel) {
            return List.of(head + cancel.job().value());
        }
        if (message instanceof BusMessage.Ping ping) {
            return List.of(head + ping.nonce());
        }
        return List.of(head);
    }

    static Optional<BusMessage> decode(String payload) {
        String[] parts = payload.split("\\|", 4);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            String from = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            String body = parts[3];
            return switch (parts[1]) {
                case "h" -> Optional.of(new BusMessage.Hints(from, hints(body)));
                case "c" -> JobId.parse(body).map(job -> new BusMessage.Cancel(from, job));
                case "w" -> Optional.of(new BusMessage.Wake(from));
                case "p" -> Optional.of(new BusMessage.Ping(from, body));
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code payload} is one of {@code node}'s own hints, cancels or wakes: LISTEN hears the node's own
     * notifications too, and of those only its pings matter to it. Read from the payload's head alone, so the body is
     * never parsed (a busy node's hints name every job that moved, in each tick).
     */
    static boolean isEcho(String payload, String node) {
        int kindAt = VERSION.length() + 1;
        if (payload.length() < kindAt + 2
                || !payload.startsWith(VERSION + "|")
                || payload.charAt(kindAt + 1) != '|'
                || payload.charAt(kindAt) == 'p') {
            return false;
        }
        return payload.startsWith(URLEncoder.encode(node, StandardCharsets.UTF_8) + "|", kindAt + 2);
    }

    private static String kind(BusMessage message) {
        if (message instanceof BusMessage.Hints) {
            return "h";
        }
        if (message instanceof BusMessage.Cancel) {
            return "c";
        }
        if (message instanceof BusMessage.Ping) {
            return "p";
        }
        return "w";
    }

    private static List<String> hintPayloads(String head, Map<JobId, Long> upTo) {
        List<String> payloads = new ArrayList<>();
        StringBuilder current = new StringBuilder(head);
        for (Map.Entry<JobId, Long> hint : upTo.entrySet()) {
            String item = hint.getKey().value() + ":" + hint.getValue();
            if (current.length() > head.length() && current.length() + 1 + item.length() > MAX_PAYLOAD) {
                payloads.add(current.toString());
                current = new StringBuilder(head);
            }
            if (current.length() > head.length()) {
                current.append(',');
            }
            current.append(item);
        }
        if (current.length() > head.length()) {
            payloads.add(current.toString());
        }
        return payloads;
    }

    private static Map<JobId, Long> hints(String body) {
        Map<JobId, Long> upTo = new LinkedHashMap<>();
        for (String item : body.split(",")) {
            int colon = item.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not job:seq");
            }
            Optional<JobId> job = JobId.parse(item.substring(0, colon));
            long seq = Long.parseLong(item.substring(colon + 1));
            job.ifPresent(id -> upTo.merge(id, seq, Math::max));
        }
        return upTo;
    }
}
