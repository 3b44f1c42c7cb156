package io.jobpulse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.JobId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BusMessagesTest {

    private static final JobId A = JobId.parse("AAAAAAAAAAAAAAAAAAAAAA").orElseThrow();
    private static final JobId B = JobId.parse("BBBBBBBBBBBBBBBBBBBBBB").orElseThrow();

    @Test
    void everyKindComesBackAsItWasSent() {
        List<BusMessage> messages = List.of(
                new BusMessage.Hints("node a|1", Map.of(A, 7L, B, 9L)),
                new BusMessage.Cancel("node a|1", A),
                new BusMessage.Wake("node a|1"),
                new BusMessage.Ping("node a|1", "42"));

        for (BusMessage message : messages) {
            List<String> payloads = BusMessages.encode(message);

            assertThat(payloads).hasSize(1);
            assertThat(BusMessages.decode(payloads.get(0))).contains(message);
        }
    }

    @Test
    void manyHintsAreSplitUnderPostgresqlsPayloadLimitAndAllArrive() {
        Map<JobId, Long> upTo = new LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            upTo.put(JobId.random(), (long) i + 1);
        }

        List<String> payloads = BusMessages.encode(new BusMessage.Hints("n1", upTo));

        assertThat(payloads).hasSizeGreaterThan(1);
        assertThat(payloads).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(BusMessages.MAX_PAYLOAD));
        Map<JobId, Long> heard = new LinkedHashMap<>();
        for (String p : payloads) {
            heard.putAll(((BusMessage.Hints) BusMessages.decode(p).orElseThrow()).upTo());
        }
        assertThat(heard).isEqualTo(upTo);
    }

    @Test
    void aNodesOwnHintsCancelsAndWakesAreEchoesButItsPingsAreNot() {
        String node = "node a|1";

        assertThat(BusMessages.isEcho(only(new BusMessage.Hints(node, Map.of(A, 1L))), node))
                .isTrue();
        assertThat(BusMessages.isEcho(only(new BusMessage.Cancel(node, A)), node))
                .isTrue();
        assertThat(BusMessages.isEcho(only(new BusMessage.Wake(node)), node)).isTrue();
        assertThat(BusMessages.isEcho(only(new BusMessage.Ping(node, "1")), node))
                .as("a node waits for its own pings")
                .isFalse();
    }

    @Test
    void anotherNodesMessagesAreNotEchoesEvenWhenOneNameStartsTheOther() {
        assertThat(BusMessages.isEcho(only(new BusMessage.Hints("node-10", Map.of(A, 1L))), "node-1"))
                .isFalse();
        assertThat(BusMessages.isEcho(only(new BusMessage.Cancel("node-1", A)), "node-10"))
                .isFalse();
    }

    @Test
    void foreignOrMalformedPayloadsAreNeitherEchoesNorMessages() {
        for (String payload : List.of("", "jp1", "jp1|", "jp1|h", "jp2|h|n1|" + A + ":1", "hello", "jp1|hh|n1|x")) {
            assertThat(BusMessages.isEcho(payload, "n1")).as(payload).isFalse();
        }
        assertThat(BusMessages.decode("jp2|h|n1|" + A + ":1")).isEqualTo(Optional.empty());
        assertThat(BusMessages.decode("jp1|h|n1|" + A + "-no-seq")).isEqualTo(Optional.empty());
    }

    private static String only(BusMessage message) {
        List<String> payloads = BusMessages.encode(message);
        assertThat(payloads).hasSize(1);
        return payloads.get(0);
    }
}
