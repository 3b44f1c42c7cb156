package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jobpulse.config.JsonSettings;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodiesTest {

    private final AtomicLong now = new AtomicLong();
    private final NodeMetrics metrics = new NodeMetrics();
    private final RequestBodies bodies = new RequestBodies(1024, JsonSettings.defaults(), metrics, now::get);

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private ApiProblem problem(String text) {
        return problem(body(text), Optional.empty());
    }

    private ApiProblem problem(InputStream body, Optional<Long> declared) {
        return catchThrowableOfType(ApiProblem.class, () -> bodies.jsonObject(body, declared));
    }

    @Test
    void readsAJsonObject() {
        assertThat(bodies.jsonObject(body("{\"type\":\"steps\"}"), Optional.of(16L))
                        .getString("type"))
                .isEqualTo("steps");
    }

    @Test
    void aBodyLongerThanItsChunkIsReadWhole() {
        String params = "{\"text\":\"" + "x".repeat(900) + "\"}";
        // a stream that hands out at most 10 bytes a call, as a socket may: the chunk sized by the declared length
        // (64 bytes at least) is filled many times
        InputStream trickle = new java.io.FilterInputStream(body(params)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(len, 10));
            }
        };
        assertThat(bodies.jsonObject(trickle, Optional.of(0L)).getString("text"))
                .hasSize(900);
        assertThat(bodies.jsonObject(body(params), Optional.of((long) params.length()))
                        .getString("text"))
                .hasSize(900);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedWithoutReading() {
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body must not be read");
            }
        };
        ApiProblem p = problem(neverRead, Optional.of(1025L));
        assertThat(p.status()).isEqualTo(413);
        assertThat(p.getMessage()).isEqualTo("The request body is larger than 1024 bytes.");
        assertThat(metrics.get(Counter.REST_BODIES_REFUSED)).isEqualTo(1);
    }

    @Test
    void anUndeclaredBodyOverTheLimitIsRefusedWhileReading() {
        ApiProblem p = problem(body("{\"a\":\"" + "x".repeat(2000) + "\"}"), Optional.empty());
        assertThat(p.status()).isEqualTo(413);
        assertThat(metrics.get(Counter.REST_BODIES_REFUSED)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                "{\"since\":1e1000000}",
                "{\"a\":1,\"a\":2}",
                "{\"n\":12345678901234567890123456789012345678901234567890123456789012345}"
            })
    void aJsonLimitIs400NamingTheRule(String text) {
        ApiProblem p = problem(text);
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.type()).isEqualTo(RequestBodies.JSON_LIMIT_TYPE);
        assertThat(p.title()).isEqualTo("JSON Limit Exceeded");
        assertThat(p.extra().getString("rule")).matches("max-depth|max-exponent|duplicate-key|max-number-length");
        assertThat(p.getMessage())
                .startsWith("The request body breaks a JSON limit: JSON ")
                .doesNotContain("1e1000000");
        assertThat(metrics.get(Counter.REST_BODIES_REFUSED)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}{\"a\":2}", "{\"a\":1} trailing", "{\"type\":", "[]", "42"})
    void malformedJsonIs400(String text) {
        ApiProblem p = problem(text);
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.type()).isEqualTo(ApiProblem.ABOUT_BLANK);
        assertThat(p.getMessage()).startsWith("The request body is not a valid JSON object: ");
        assertThat(metrics.get(Counter.REST_BODIES_REFUSED)).as("not a limit").isZero();
    }

    @Test
    void trailingGarbageIsNamed() {
        assertThat(problem("{\"a\":1}{\"b\":2}").getMessage())
                .isEqualTo("The request body is not a valid JSON object: text after the JSON object.");
    }

    @Test
    void emptyAndNonUtf8BodiesAre400() {
        assertThat(problem("  ").getMessage()).contains("empty");
        assertThat(problem(new ByteArrayInputStream(new byte[] {'{', '"', (byte) 0xC3, '"', '}'}), Optional.empty())
                        .getMessage())
                .contains("UTF-8");
    }

    @Test
    void aBodyThatTricklesPastItsDeadlineIs408() {
        // each read returns one byte and takes one second of the fake clock
        InputStream trickle = new InputStream() {
            @Override
            public int read() {
                now.addAndGet(Duration.ofSeconds(1).toNanos());
                return ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                b[off] = (byte) read();
                return 1;
            }
        };
        ApiProblem p = problem(trickle, Optional.empty());
        assertThat(p.status()).isEqualTo(408);
        assertThat(p.getMessage()).contains("too slowly");
        assertThat(now.get())
                .isBetween(
                        Duration.ofSeconds(21).toNanos(), Duration.ofSeconds(22).toNanos());
        assertThat(metrics.get(Counter.REST_BODIES_REFUSED)).isEqualTo(1);
    }

    @Test
    void theDeadlineGrowsWithTheBytesReceived() {
        BodyReadDeadline deadline = BodyReadDeadline.startingNow(now::get);
        now.set(Duration.ofSeconds(20).toNanos());
        assertThat(deadline.passed(0)).isFalse();
        now.set(Duration.ofSeconds(21).toNanos());
        assertThat(deadline.passed(0)).isTrue();
        assertThat(deadline.passed(500)).isFalse();
        assertThat(deadline.passed(1_000_000)).isFalse();
    }
}
