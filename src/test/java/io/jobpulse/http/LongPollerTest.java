package io.jobpulse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.job.JobId;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LongPoller}: when it answers at once, and how it reads {@code wait}. Holding a request until the next event
 * or the end of the wait is asserted at the wire, in {@code inprocess.FallbackTransportsTest}.
 */
class LongPollerTest {

    private final LongPoller poller = new LongPoller();
    private final List<Object> resumed = new ArrayList<>();
    private final AsyncResponse async = (AsyncResponse) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {AsyncResponse.class}, (proxy, method, args) -> {
                if (method.getName().equals("resume")) {
                    resumed.add(args[0]);
                    return true;
                }
                throw new UnsupportedOperationException(method.getName() + ": the poller should have answered at once");
            });

    private String answer() {
        assertThat(resumed).hasSize(1);
        Response response = (Response) resumed.get(0);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().toString()).isEqualTo("application/json");
        return (String) response.getEntity();
    }

    @Test
    void somethingToSayNowIsAnsweredAtOnceWhateverTheWait() {
        poller.answer(
                async,
                Duration.ofSeconds(20),
                Map.of(JobId.random(), 3L),
                Optional.of("{\"now\":1}"),
                () -> Optional.of("{\"later\":1}"),
                () -> "{\"empty\":1}");
        assertThat(answer()).isEqualTo("{\"now\":1}");
    }

    @Test
    void noWaitAnswersTheEmptyAnswerAtOnce() {
        poller.answer(
                async,
                Duration.ZERO,
                Map.of(JobId.random(), 3L),
                Optional.empty(),
                () -> Optional.of("{\"later\":1}"),
                () -> "{\"empty\":1}");
        assertThat(answer()).isEqualTo("{\"empty\":1}");
    }

    @Test
    void nothingThatCanStillChangeAnswersTheEmptyAnswerAtOnce() {
        poller.answer(
                async,
                Duration.ofSeconds(20),
                Map.of(),
                Optional.empty(),
                () -> Optional.of("{\"later\":1}"),
                () -> "{\"empty\":1}");
        assertThat(answer()).isEqualTo("{\"empty\":1}");
    }

    @Test
    void waitIsReadAsADurationOrWholeSeconds() {
        assertThat(LongPoller.waitParam(null)).isZero();
        assertThat(LongPoller.waitParam(" ")).isZero();
        assertThat(LongPoller.waitParam("25")).isEqualTo(Duration.ofSeconds(25));
        assertThat(LongPoller.waitParam("25s")).isEqualTo(Duration.ofSeconds(25));
        assertThat(LongPoller.waitParam("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(LongPoller.waitParam("60s")).isEqualTo(LongPoller.MAX_WAIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"61s", "2m", "-1s", "soon", "1.5"})
    void aMalformedOrTooLongWaitIsABadRequest(String wait) {
        assertThatThrownBy(() -> LongPoller.waitParam(wait)).isInstanceOf(ApiProblem.class);
    }
}
