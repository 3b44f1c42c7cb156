package io.jobpulse.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * WebSocket frames as bytes, written from RFC 6455 section 5.2, including frames no well-behaved peer sends: any
 * FIN/RSV bits and opcode, masked or not, the 7-, 16- or 64-bit length form of choice, and a declared length that
 * is not the length of the payload that follows.
 */
final class Frames {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** The largest payload {@link #read} accepts from a server: JobPulse sends small messages. */
    static final int MAX_READ_PAYLOAD = 16 * 1024 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Frames() {}

    /** How the payload length is written (section 5.2): the shortest form, or a forced one. */
    enum Length {
        SHORTEST,
        BITS_7,
        BITS_16,
        BITS_64
    }

    /** A frame to write; by default FIN set, no RSV bits, masked with a fresh random key as a client must. */
    static Builder frame(int opcode) {
        return new Builder(opcode);
    }

    static Builder text(String text) {
        return frame(TEXT).payload(text.getBytes(StandardCharsets.UTF_8));
    }

    static Builder close(int code, String reason) {
        return frame(CLOSE).payload(closePayload(code, reason.getBytes(StandardCharsets.UTF_8)));
    }

    /** A close frame's body: the two-byte code, big-endian, then the reason bytes as given (valid UTF-8 or not). */
    static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    static final class Builder {
        private final int opcode;
        private boolean fin = true;
        private int rsv;
        private byte[] maskKey = randomMaskKey();
        private byte[] payload = new byte[0];
        private Length length = Length.SHORTEST;
        private Long declaredLength;

        private Builder(int opcode) {
            if (opcode < 0 || opcode > 0xF) {
                throw new IllegalArgumentException("an opcode has 4 bits: " + opcode);
            }
            this.opcode = opcode;
        }

        Builder fin(boolean value) {
            fin = value;
            return this;
        }

        /** The three RSV bits, RSV1 as 4, RSV2 as 2, RSV3 as 1. */
        Builder rsv(int bits) {
            if (bits < 0 || bits > 7) {
                throw new IllegalArgumentException("RSV has 3 bits: " + bits);
            }
            rsv = bits;
            return this;
        }

        Builder payload(byte[] bytes) {
            payload = bytes.clone();
            return this;
        }

        Builder mask(byte[] key) {
            if (key.length != 4) {
                throw new IllegalArgumentException("a masking key has 4 bytes");
            }
            maskKey = key.clone();
            return this;
        }

        /** No mask bit and no key: what a server sends, and what a client must never send (section 5.1). */
        Builder unmasked() {
            maskKey = null;
            return this;
        }

        Builder length(Length form) {
            length = form;
            return this;
        }

        /**
         * Writes {@code value} as the payload length instead of the payload's real length (in the 64-bit form
         * unless another is forced); only the real payload bytes follow. Any 64 bits, the top one included.
         */
        Builder declaredLength(long value) {
            declaredLength = value;
            if (length == Length.SHORTEST) {
                length = Length.BITS_64;
            }
            return this;
        }

        byte[] bytes() {
            long declared = declaredLength != null ? declaredLength : payload.length;
            Length form = length != Length.SHORTEST
                    ? length
                    : declared <= 125 ? Length.BITS_7 : declared <= 0xFFFF ? Length.BITS_16 : Length.BITS_64;
            ByteArrayOutputStream out = new ByteArrayOutputStream(14 + payload.length);
            out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
            int maskBit = maskKey != null ? 0x80 : 0;
            switch (form) {
                case BITS_7 -> {
                    if (declared < 0 || declared > 125) {
                        throw new IllegalArgumentException("the 7-bit form holds 0-125: " + declared);
                    }
                    out.write(maskBit | (int) declared);
                }
                case BITS_16 -> {
                    if (declared < 0 || declared > 0xFFFF) {
                        throw new IllegalArgumentException("the 16-bit form holds 0-65535: " + declared);
                    }
                    out.write(maskBit | 126);
                    out.write((int) (declared >>> 8));
                    out.write((int) declared);
                }
                case BITS_64, SHORTEST -> {
                    out.write(maskBit | 127);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        out.write((int) (declared >>> shift));
                    }
                }
            }
            if (maskKey != null) {
                out.writeBytes(maskKey);
                out.writeBytes(masked(payload, maskKey));
            } else {
                out.writeBytes(payload);
            }
            return out.toByteArray();
        }
    }

    /** Applies (or removes) a mask, section 5.3: byte i is XORed with key byte i mod 4. */
    static byte[] masked(byte[] data, byte[] key) {
        byte[] result = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            result[i] = (byte) (data[i] ^ key[i % 4]);
        }
        return result;
    }

    private static byte[] randomMaskKey() {
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        return key;
    }

    /** A frame as read: the payload unmasked. */
    record Frame(boolean fin, int rsv, int opcode, boolean wasMasked, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        boolean isClose() {
            return opcode == CLOSE;
        }

        /** A close frame's code; 1005 (no status present) for an empty body, as section 7.1.5 says. */
        int closeCode() {
            requireClose();
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }

        String closeReason() {
            requireClose();
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        private void requireClose() {
            if (!isClose()) {
                throw new IllegalStateException("not a close frame: opcode " + opcode);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Frame f
                    && fin == f.fin
                    && rsv == f.rsv
                    && opcode == f.opcode
                    && wasMasked == f.wasMasked
                    && Arrays.equals(payload, f.payload);
        }

        @Override
        public int hashCode() {
            return 31 * opcode + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            String body = opcode == TEXT || opcode == CLOSE && payload.length >= 2
                    ? (opcode == CLOSE ? closeCode() + " " + closeReason() : text())
                    : HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 32));
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=" + opcode + ", masked=" + wasMasked + ", "
                    + payload.length + " B: " + (body.length() > 200 ? body.substring(0, 200) + "..." : body) + "]";
        }
    }

    /**
     * Reads one frame (section 5.2), masked or not; {@link EOFException} at the end of the stream, also in the
     * middle of a frame. A declared length above {@link #MAX_READ_PAYLOAD} or with the top bit set is an
     * {@link IOException}, never an allocation.
     */
    static Frame read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
            if (length < 0) {
                throw new IOException("64-bit payload length with its most significant bit set");
            }
        }
        if (length > MAX_READ_PAYLOAD) {
            throw new IOException("payload of " + length + " bytes; this reader takes at most " + MAX_READ_PAYLOAD);
        }
        boolean masked = (second & 0x80) != 0;
        byte[] key = new byte[4];
        if (masked) {
            in.readFully(key);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(
                (first & 0x80) != 0, first >>> 4 & 0x7, first & 0xF, masked, masked ? masked(payload, key) : payload);
    }
}
