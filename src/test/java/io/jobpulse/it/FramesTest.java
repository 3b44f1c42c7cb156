package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test frame builder and reader against the examples of RFC 6455 section 5.7, and the hostile forms. */
class FramesTest {

    private static final byte[] KEY = HexFormat.of().parseHex("37fa213d");
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    @Test
    void buildsTheUnmaskedTextExample() {
        assertThat(Frames.frame(Frames.TEXT).unmasked().payload(HELLO).bytes()).isEqualTo(hex("810548656c6c6f"));
    }

    @Test
    void buildsTheMaskedTextExample() {
        assertThat(Frames.frame(Frames.TEXT).mask(KEY).payload(HELLO).bytes()).isEqualTo(hex("818537fa213d7f9f4d5158"));
    }

    @Test
    void buildsTheFragmentedUnmaskedTextExample() {
        assertThat(Frames.frame(Frames.TEXT)
                        .fin(false)
                        .unmasked()
                        .payload(bytes("Hel"))
                        .bytes())
                .isEqualTo(hex("010348656c"));
        assertThat(Frames.frame(Frames.CONTINUATION)
                        .unmasked()
                        .payload(bytes("lo"))
                        .bytes())
                .isEqualTo(hex("80026c6f"));
    }

    @Test
    void buildsThePingAndMaskedPongExamples() {
        assertThat(Frames.frame(Frames.PING).unmasked().payload(HELLO).bytes()).isEqualTo(hex("890548656c6c6f"));
        assertThat(Frames.frame(Frames.PONG).mask(KEY).payload(HELLO).bytes()).isEqualTo(hex("8a8537fa213d7f9f4d5158"));
    }

    @Test
    void uses16And64BitLengthsLikeTheBinaryExamples() {
        byte[] header256 = Arrays.copyOf(
                Frames.frame(Frames.BINARY).unmasked().payload(new byte[256]).bytes(), 4);
        assertThat(header256).isEqualTo(hex("827e0100"));
        byte[] frame64k =
                Frames.frame(Frames.BINARY).unmasked().payload(new byte[65536]).bytes();
        assertThat(frame64k).hasSize(10 + 65536);
        assertThat(Arrays.copyOf(frame64k, 10)).isEqualTo(hex("827f0000000000010000"));
    }

    @Test
    void forcesALongerLengthFormThanNeeded() {
        assertThat(Frames.frame(Frames.TEXT)
                        .unmasked()
                        .payload(HELLO)
                        .length(Frames.Length.BITS_64)
                        .bytes())
                .isEqualTo(hex("817f000000000000000548656c6c6f"));
        assertThat(Frames.frame(Frames.TEXT)
                        .unmasked()
                        .payload(HELLO)
                        .length(Frames.Length.BITS_16)
                        .bytes())
                .isEqualTo(hex("817e000548656c6c6f"));
    }

    @Test
    void declaresALengthOtherThanThePayloadsIncludingTheTopBit() {
        assertThat(Frames.frame(3).unmasked().declaredLength(Long.MAX_VALUE).bytes())
                .isEqualTo(hex("837f7fffffffffffffff"));
        assertThat(Frames.frame(Frames.TEXT)
                        .unmasked()
                        .declaredLength(0x8000000000000001L)
                        .payload(bytes("x"))
                        .bytes())
                .isEqualTo(hex("817f800000000000000178"));
    }

    @Test
    void setsRsvBitsAndLeavesFinOff() {
        assertThat(Frames.frame(Frames.TEXT).fin(false).rsv(7).unmasked().bytes())
                .isEqualTo(hex("7100"));
        assertThat(Frames.frame(Frames.TEXT).rsv(4).unmasked().bytes()).isEqualTo(hex("c100"));
    }

    @Test
    void writesACloseCodeBigEndianFollowedByTheReasonBytes() {
        assertThat(Frames.close(1000, "bye").unmasked().bytes()).isEqualTo(hex("880503e8627965"));
        assertThat(Frames.closePayload(5000, new byte[] {(byte) 0xC3, 0x28})).isEqualTo(hex("1388c328"));
    }

    @Test
    void masksWithAFreshKeyByDefault() {
        byte[] first = Frames.text("Hello").bytes();
        assertThat(first[1] & 0x80).as("mask bit").isEqualTo(0x80);
        assertThat(first).hasSize(2 + 4 + 5);
    }

    @Test
    void readsMaskedAndUnmaskedExamplesBack() throws IOException {
        Frames.Frame unmasked = Frames.read(new ByteArrayInputStream(hex("810548656c6c6f")));
        assertThat(unmasked).isEqualTo(new Frames.Frame(true, 0, Frames.TEXT, false, HELLO));
        Frames.Frame masked = Frames.read(new ByteArrayInputStream(hex("818537fa213d7f9f4d5158")));
        assertThat(masked.text()).isEqualTo("Hello");
        assertThat(masked.wasMasked()).isTrue();
        Frames.Frame fragment = Frames.read(new ByteArrayInputStream(hex("010348656c")));
        assertThat(fragment.fin()).isFalse();
        assertThat(fragment.text()).isEqualTo("Hel");
    }

    @Test
    void readsCloseCodesAndReasonsAndTheMissingCodeAs1005() throws IOException {
        Frames.Frame close = Frames.read(new ByteArrayInputStream(hex("880503e8627965")));
        assertThat(close.closeCode()).isEqualTo(1000);
        assertThat(close.closeReason()).isEqualTo("bye");
        assertThat(Frames.read(new ByteArrayInputStream(hex("8800"))).closeCode())
                .isEqualTo(1005);
        assertThat(Frames.read(new ByteArrayInputStream(hex("880203f2"))).closeCode())
                .isEqualTo(1010);
    }

    @Test
    void readsWhatItBuildsForEveryLengthForm() throws IOException {
        for (int size : new int[] {0, 125, 126, 65535, 65536}) {
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'a');
            Frames.Frame frame = Frames.read(new ByteArrayInputStream(
                    Frames.frame(Frames.BINARY).payload(payload).bytes()));
            assertThat(frame.payload()).as("size " + size).isEqualTo(payload);
            assertThat(frame.wasMasked()).isTrue();
        }
    }

    @Test
    void refusesHugeAndNegativeDeclaredLengthsWithoutAllocating() {
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(hex("827f8000000000000000"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("most significant bit");
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(hex("827f0000010000000000"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void truncatedFrameIsAnEndOfStream() {
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(hex("81054865"))))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void refusesImpossibleBuilderInput() {
        assertThatThrownBy(() -> Frames.frame(16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.frame(Frames.TEXT).rsv(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.frame(Frames.TEXT)
                        .length(Frames.Length.BITS_7)
                        .payload(new byte[126])
                        .bytes())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
