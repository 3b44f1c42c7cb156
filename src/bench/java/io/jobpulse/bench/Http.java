package io.jobpulse.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Plain HTTP/1.1 to a server on 127.0.0.1, for the REST and control calls (never on the measured path). */
final class Http {

    private Http() {}

    /** The body of a 2xx answer; any other status throws with the body in the message. */
    static String request(int port, String method, String target, String body, String apiKey) throws IOException {
        HttpURLConnection h = (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + target).toURL().openConnection();
        h.setRequestMethod(method);
        h.setConnectTimeout(10_000);
        h.setReadTimeout(60_000);
        if (apiKey != null) {
            h.setRequestProperty("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            h.setDoOutput(true);
            h.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = h.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = h.getResponseCode();
        try (InputStream in = status < 400 ? h.getInputStream() : h.getErrorStream()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status >= 300) {
                throw new IOException(method + " " + target + " answered " + status + ": " + text);
            }
            return text;
        } finally {
            h.disconnect();
        }
    }
}
