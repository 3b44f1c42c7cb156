package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames no browser sends (RFC 6455 sections 5 and 7, the cases of docs/bad-input.md), each on a fresh raw
 * connection: the server must end the connection with the documented close code (or, where a container differs,
 * the code docs/bad-input.md records for it) while a bystander on the same node keeps getting its events.
 */
class HostileFramesIT extends UnderHostileInput {

    private static final String PING = "{\"type\":\"ping\",\"id\":1}";
    /**
     * How long a flood of frames may take to be read: an outcome is asserted, not a speed. Payara reads 100 000 empty
     * fragments slowly with the tests' C1-only JVMs: a clean-clone run on a loaded machine took over 30 s.
     */
    private static final Duration FLOOD_WAIT = Duration.ofSeconds(60);
    /**
     * Tyrus (Payara) reads a frame's payload before it checks the opcode or the declared length, and closes with
     * 1011 "Buffer overflow" once its incoming buffer is full: late and with the wrong code, but bounded.
     */
    private static final String TYRUS_BUFFER_FULL = "close 1011";

    @Test
    void unmaskedClientFrameIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.text(PING).unmasked());
            // Tyrus (Payara) does not check the mask bit of client frames: it answers the message (docs/bad-input.md)
            String reply = firstTextOrEnding(socket, RawWebSocket.WAIT);
            observed("unmasked client frame", reply);
            assertThat(reply).isEqualTo(on("text {\"type\":\"pong\",\"id\":1}", "close 1002", "close 1002"));
        }
    }

    @ParameterizedTest(name = "RSV bits {0}")
    @ValueSource(ints = {4, 2, 1})
    void rsvBitsWithoutAnExtensionAreAProtocolError(int rsv) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.text(PING).rsv(rsv));
            expectEnding("RSV " + rsv + " without an extension", socket, "close 1002");
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodeWithAHugeDeclaredLengthIsAProtocolErrorWithoutWaitingForThePayload(int opcode) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            // a server that checks the opcode first closes at once; one that buffers the payload first must stop at
            // its buffer limit: the junk sent after the header is what it would buffer
            CompletableFuture<Void> writing =
                    sendHeaderThenJunk(socket, Frames.frame(opcode).declaredLength(1L << 62));
            expectEnding(
                    "reserved opcode 0x" + Integer.toHexString(opcode) + ", declared length 2^62, then 16 MiB",
                    socket,
                    opcode >= 0xB ? "close 1002" : on(TYRUS_BUFFER_FULL, "close 1002", "close 1002"));
            socket.close();
            awaitWriterStopped(writing);
        }
    }

    @Test
    void fragmentedControlFrameIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.PING).fin(false).payload(bytes("x")));
            socket.send(Frames.frame(Frames.CONTINUATION).payload(bytes("y")));
            expectEnding("fragmented ping", socket, "close 1002");
        }
    }

    @Test
    void controlFrameOver125BytesIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.PING).payload(new byte[126]));
            expectEnding("ping of 126 bytes", socket, "close 1002");
        }
    }

    @Test
    void sixtyFourBitLengthWithItsTopBitSetIsRefused() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT)
                    .declaredLength(0x8000000000000000L | PING.length())
                    .payload(bytes(PING)));
            if (server().equals("wildfly")) {
                // Undertow neither rejects the length nor answers: it waits for payload (docs/bad-input.md)
                assertThatThrownBy(() -> socket.awaitEnding(Duration.ofSeconds(5)))
                        .isInstanceOf(AssertionError.class);
                observed("64-bit length with the top bit set", "no answer within 5 s, connection held open");
            } else {
                expectEnding("64-bit length with the top bit set", socket, "close 1002");
            }
        }
    }

    @Test
    void declaredLengthFarOverTheLimitIsRefusedWithoutWaitingForThePayload() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            CompletableFuture<Void> writing =
                    sendHeaderThenJunk(socket, Frames.frame(Frames.TEXT).declaredLength(1L << 53));
            if (server().equals("wildfly")) {
                // Undertow either stops at the session's message size (1009, UT002040) or reads on and waits for the
                // rest of the declared length: both seen on the same build (docs/bad-input.md). Either way the
                // server keeps serving everyone else.
                String ending;
                try {
                    ending = socket.awaitEnding().summary();
                } catch (AssertionError heldOpen) {
                    ending = "held open";
                }
                observed("text frame declaring 2^53 bytes, then 16 MiB", ending);
                assertThat(ending).isIn("close 1009", "held open");
                try (RawWebSocket other = RawWebSocket.connectUpgraded(ws)) {
                    other.send(Frames.frame(Frames.TEXT).payload(bytes(PING)));
                    assertThat(nextText(other)).isEqualTo("{\"type\":\"pong\",\"id\":1}");
                }
            } else {
                expectEnding(
                        "text frame declaring 2^53 bytes, then 16 MiB",
                        socket,
                        on(TYRUS_BUFFER_FULL, "close 1009", "close 1009"));
            }
            socket.close();
            awaitWriterStopped(writing);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff", "c328", "c0af", "eda080", "f4908080"})
    void invalidUtf8InATextFrameIs1007(String badBytes) throws Exception {
        byte[] text =
                concat(bytes("{\"type\":\"ping\",\"id\":\""), HexFormat.of().parseHex(badBytes), bytes("\"}"));
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT).payload(text));
            expectEnding("invalid UTF-8 (" + badBytes + ") in a text frame", socket, "close 1007");
        }
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsIs1007() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT).fin(false).payload(bytes("{\"type\":\"ping\",\"id\":\"\u00e9")));
            socket.send(Frames.frame(Frames.CONTINUATION).fin(false).payload(new byte[] {(byte) 0xE2, (byte) 0x82}));
            socket.send(Frames.frame(Frames.CONTINUATION).payload(concat(new byte[] {0x28}, bytes("\"}"))));
            expectEnding("invalid UTF-8 split across fragments", socket, "close 1007");
        }
    }

    @Test
    void validTextSplitIntoFragmentsInsideACharacterIsOneMessage() throws Exception {
        byte[] euro = "{\"type\":\"ping\",\"id\":\"\u20ac\"}".getBytes(StandardCharsets.UTF_8);
        int middleOfEuro = "{\"type\":\"ping\",\"id\":\"".length() + 1;
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT).fin(false).payload(Arrays.copyOf(euro, middleOfEuro)));
            socket.send(Frames.frame(Frames.PING).payload(bytes("between")));
            socket.send(Frames.frame(Frames.CONTINUATION).payload(Arrays.copyOfRange(euro, middleOfEuro, euro.length)));
            assertThat(nextText(socket)).isEqualTo("{\"type\":\"pong\",\"id\":\"\u20ac\"}");
            observed("valid UTF-8 split inside a character, ping between fragments", "pong (message accepted)");
        }
    }

    @Test
    void oneHundredThousandTinyFragmentsOfOneMessageEndIn1009() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        frames.add(Frames.frame(Frames.TEXT).fin(false).payload(bytes(" ")).bytes());
        for (int i = 0; i < 99_998; i++) {
            frames.add(Frames.frame(Frames.CONTINUATION)
                    .fin(false)
                    .payload(bytes(" "))
                    .bytes());
        }
        frames.add(Frames.frame(Frames.CONTINUATION).payload(bytes(PING)).bytes());
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            CompletableFuture<Void> writing = socket.sendInBackground(frames);
            RawWebSocket.Ending ending = socket.awaitEnding(FLOOD_WAIT);
            observed("100 000 one-byte fragments of one text message", ending.toString());
            assertThat(ending.summary()).as(ending.toString()).isEqualTo("close 1009");
            socket.close();
            awaitWriterStopped(writing);
        }
    }

    @Test
    void oneHundredThousandEmptyFragmentsStayBounded() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        frames.add(Frames.frame(Frames.TEXT).fin(false).bytes());
        for (int i = 0; i < 99_998; i++) {
            frames.add(Frames.frame(Frames.CONTINUATION).fin(false).bytes());
        }
        frames.add(Frames.frame(Frames.CONTINUATION).payload(bytes(PING)).bytes());
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            CompletableFuture<Void> writing = socket.sendInBackground(frames);
            String reply = firstTextOrEnding(socket, FLOOD_WAIT);
            observed("100 000 empty fragments, then the end of a small message", reply);
            // a fragment count limit would close; counting only bytes, the message is small and valid
            assertThat(reply)
                    .isEqualTo(on(
                            "text {\"type\":\"pong\",\"id\":1}",
                            "text {\"type\":\"pong\",\"id\":1}",
                            "text {\"type\":\"pong\",\"id\":1}"));
            socket.close();
            awaitWriterStopped(writing);
        }
    }

    @Test
    void continuationWithoutAStartIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.CONTINUATION).payload(bytes(PING)));
            expectEnding("continuation without a start", socket, "close 1002");
        }
    }

    @Test
    void newDataFrameInsideAFragmentedMessageIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.TEXT).fin(false).payload(bytes("{\"type\":")));
            socket.send(Frames.text(PING));
            expectEnding("text frame inside a fragmented message", socket, "close 1002");
        }
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000})
    void closeWithACodeNobodyMaySendIsAProtocolError(int code) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.close(code, "x"));
            expectEnding("close code " + code, socket, "close 1002");
        }
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 3000, 4999})
    void closeWithAValidCodeIsAnsweredWithAClose(int code) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.close(code, "bye"));
            expectEnding(
                    "close code " + code + " (valid)", socket, on("close " + code, "close " + code, "close " + code));
        }
    }

    @Test
    void closeWithOneBytePayloadIsAProtocolError() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.CLOSE).payload(new byte[] {3}));
            expectEnding("close with a 1-byte body", socket, "close 1002");
        }
    }

    @Test
    void closeWithAnInvalidUtf8ReasonIsRefused() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.CLOSE).payload(Frames.closePayload(1000, new byte[] {(byte) 0xC3, 0x28})));
            expectEnding(
                    "close 1000 with an invalid UTF-8 reason", socket, on("close 1007", "close 1002", "close 1007"));
        }
    }

    @Test
    void peerThatNeverAnswersTheServersCloseIsDisconnected() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.BINARY).payload(new byte[] {1, 2, 3}));
            RawWebSocket.Ending ending = socket.awaitEnding();
            assertThat(ending.summary()).as(ending.toString()).isEqualTo("close 1003");
            long start = System.nanoTime();
            boolean dropped = socket.tcpClosedWithin(Duration.ofSeconds(40));
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            observed(
                    "peer never answers the server's close",
                    dropped
                            ? "close 1003, TCP closed by the server after " + seconds + " s"
                            : "TCP still open after 40 s");
            assertThat(dropped)
                    .as("the server closed the TCP connection within 40 s")
                    .isTrue();
        }
    }

    @Test
    void pingFloodIsAnsweredAndTheConnectionStillServes() throws Exception {
        int pings = 20_000;
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < pings; i++) {
            frames.add(Frames.frame(Frames.PING).payload(new byte[125]).bytes());
        }
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            CompletableFuture<Void> writing = socket.sendInBackground(frames);
            RawWebSocket.await(writing, FLOOD_WAIT);
            socket.send(Frames.text(PING));
            int pongs = 0;
            String text = null;
            long deadline = System.nanoTime() + FLOOD_WAIT.toNanos();
            while (text == null && System.nanoTime() < deadline) {
                Frames.Frame frame = socket.read();
                switch (frame.opcode()) {
                    case Frames.PONG -> pongs++;
                    case Frames.TEXT -> text = frame.text();
                    default -> throw new AssertionError("unexpected frame during a ping flood: " + frame);
                }
            }
            observed("ping flood (" + pings + " pings of 125 B)", pongs + " pongs, then the JSON pong");
            assertThat(text).isEqualTo("{\"type\":\"pong\",\"id\":1}");
            assertThat(pongs)
                    .as("pongs (the last ping must be answered, earlier ones may be merged)")
                    .isBetween(1, pings);
        }
    }

    @Test
    void unsolicitedPongFloodIsIgnored() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            frames.add(Frames.frame(Frames.PONG).payload(new byte[125]).bytes());
        }
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            RawWebSocket.await(socket.sendInBackground(frames), FLOOD_WAIT);
            socket.send(Frames.text(PING));
            Frames.Frame reply = socket.read();
            observed("50 000 unsolicited pongs of 125 B", "ignored; then " + reply);
            assertThat(reply.opcode()).as(reply.toString()).isEqualTo(Frames.TEXT);
            assertThat(reply.text()).isEqualTo("{\"type\":\"pong\",\"id\":1}");
        }
    }

    @Test
    void binaryMessageCloses1003() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.frame(Frames.BINARY).payload(new byte[] {1, 2, 3}));
            expectEnding("binary message", socket, "close 1003");
        }
    }

    @Test
    void wellFormedTextMessageIsAnswered() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectUpgraded(ws)) {
            socket.send(Frames.text(PING));
            assertThat(nextText(socket)).isEqualTo("{\"type\":\"pong\",\"id\":1}");
            assertThat(socket.header("Sec-WebSocket-Protocol")).contains("jobpulse.v1");
        }
    }

    /** Sends a frame header (its declared length far beyond what follows), then up to 16 MiB of zeros. */
    private static CompletableFuture<Void> sendHeaderThenJunk(RawWebSocket socket, Frames.Builder header) {
        List<byte[]> chunks = new ArrayList<>();
        // a zero masking key leaves the zeros as they are: NUL bytes, valid UTF-8, so only a size check stops them
        chunks.add(header.mask(new byte[4]).bytes());
        for (int i = 0; i < 256; i++) {
            chunks.add(new byte[64 * 1024]);
        }
        return socket.sendInBackground(chunks);
    }

    /** After the socket is closed, the background writer ends (failing its write); it must not linger. */
    private static void awaitWriterStopped(CompletableFuture<Void> writing) throws Exception {
        writing.handle((done, failure) -> null).get(10, TimeUnit.SECONDS);
    }

    private void expectEnding(String testCase, RawWebSocket socket, String expected) throws IOException {
        RawWebSocket.Ending ending = socket.awaitEnding();
        observed(testCase, ending.toString());
        assertThat(ending.summary()).as(testCase + ": " + ending).isEqualTo(expected);
    }

    /** The next text frame, skipping control frames. */
    private static String nextText(RawWebSocket socket) throws IOException {
        long deadline = System.nanoTime() + RawWebSocket.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Frames.Frame frame = socket.read();
            if (frame.opcode() == Frames.TEXT) {
                return frame.text();
            }
            if (frame.isClose()) {
                throw new AssertionError("closed instead of answering: " + frame);
            }
        }
        throw new AssertionError("no text frame within " + RawWebSocket.WAIT);
    }

    /** "text ..." for the first text frame, or the connection's ending, within {@code wait}. */
    private static String firstTextOrEnding(RawWebSocket socket, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Frames.Frame frame;
            try {
                frame = socket.read(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException e) {
                return "dropped (" + e + ")";
            }
            if (frame.opcode() == Frames.TEXT) {
                return "text " + frame.text();
            }
            if (frame.isClose()) {
                return "close " + frame.closeCode();
            }
        }
        throw new AssertionError("neither an answer nor a close within " + wait);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
