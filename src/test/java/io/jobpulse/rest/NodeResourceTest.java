package io.jobpulse.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.jobpulse.cluster.Cluster;
import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.execution.JobScheduler;
import io.jobpulse.fallback.SseStreams;
import io.jobpulse.http.ApiProblem;
import io.jobpulse.http.LongPoller;
import io.jobpulse.hub.ProgressHub;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.node.NodeGauges;
import io.jobpulse.websocket.OpenSessions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code ?gc=true} test hook: refused unless {@code jobpulse.test-hooks=true}. */
class NodeResourceTest {

    private static NodeResource node(Map<String, String> settings) {
        NodeResource resource = new NodeResource();
        resource.config = JobPulseConfig.from(new SettingsSource(settings::get, key -> null, key -> null));
        resource.metrics = new NodeMetrics();
        resource.sessions = new OpenSessions();
        resource.cluster = new Cluster();
        resource.gauges = new NodeGauges(
                resource.metrics,
                null, // the store's count runs only once the gauges are started
                new JobScheduler(),
                resource.sessions,
                new SseStreams(),
                new LongPoller(),
                new ProgressHub(),
                null);
        return resource;
    }

    @Test
    void theGcHookIsRefusedWhenTestHooksAreOff() {
        assertThatExceptionOfType(ApiProblem.class)
                .isThrownBy(() -> node(Map.of()).node(true))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403))
                .withMessageContaining("jobpulse.test-hooks");
    }

    @Test
    void theGcHookIsRefusedInDevModeToo() {
        assertThatExceptionOfType(ApiProblem.class)
                .isThrownBy(() -> node(Map.of("jobpulse.dev", "true")).node(true))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403));
    }

    @Test
    void theNodesFiguresNeedNoHook() {
        assertThat(node(Map.of("jobpulse.node-id", "n1")).node(false))
                .contains(
                        "\"node\":\"n1\"",
                        "\"gc\":false",
                        "\"webSocketConnections\":0",
                        "\"gauges\":{\"jobsRunning\":0,\"jobsQueued\":0,\"nodeRuns\":0,\"webSocketConnections\":0,"
                                + "\"sseConnections\":0,\"pollWaits\":0,\"subscriptions\":0,\"outboxBytes\":0}",
                        "\"jobs-submitted\":0",
                        "\"bus\":{\"state\":\"SINGLE_NODE\",\"reconnects\":0}");
    }

    @Test
    void theGcHookAnswersWhenTestHooksAreOn() {
        assertThat(node(Map.of("jobpulse.test-hooks", "true")).node(true)).contains("\"gc\":");
    }
}
