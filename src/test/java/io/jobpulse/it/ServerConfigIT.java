package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What server-config/&lt;server&gt;/ sets and every server must show: the WebSocket handshake does not accept
 * permessage-deflate even when the client offers it (the servers accept it by default).
 */
class ServerConfigIT extends DeployedWar {

    @Test
    void handshakeDoesNotAcceptPermessageDeflateWhenTheClientOffersIt() throws IOException {
        List<String> response = handshake("permessage-deflate; client_max_window_bits");

        assertThat(response.get(0)).as("status line").startsWith("HTTP/1.1 101");
        assertThat(header(response, "sec-websocket-protocol")).isEqualTo("jobpulse.v1");
        String accepted = header(response, "sec-websocket-extensions");
        assertThat(accepted == null ? "" : accepted.toLowerCase(Locale.ROOT)).as("accepted extensions")
                .doesNotContain("deflate");
    }

    /** Sends a raw upgrade request offering {@code extensions} and returns the response's status and header lines. */
    private List<String> handshake(String extensions) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: jobpulse.v1\r\n"
                + "Sec-WebSocket-Extensions: " + extensions + "\r\n"
                + "\r\n";
        try (Socket socket = new Socket(ws.getHost(), ws.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            assertThat(lines).as("handshake response").isNotEmpty();
            return lines;
        }
    }

    /** The value of the named header (case-insensitive), or null when the response has none. */
    private static String header(List<String> response, String name) {
        return response.stream().skip(1)
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst().orElse(null);
    }
}
