package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.health.Readiness;
import io.jobpulse.protocol.HealthJson;
import io.jobpulse.store.Database;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness among JobPulse's real beans: ready once everything started (the scheduler, the WebSocket sweep, the SSE
 * streams), and the store check against the real embedded database, whose pool is then closed under it. The probe
 * servlet itself needs a servlet container: HealthIT checks it on every server.
 */
class ReadinessInProcessTest {

    private InProcessServer server;

    @BeforeEach
    void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void readyAmongTheRealBeansOnceStarted() {
        Readiness.Checks checks = server.bean(Readiness.class).checks();
        assertThat(checks).isEqualTo(new Readiness.Checks(true, true, true));
        assertThat(HealthJson.ready(checks.byName()))
                .isEqualTo("{\"status\":\"UP\",\"checks\":{\"started\":\"UP\",\"store\":\"UP\",\"stopping\":\"UP\"}}");
    }

    @Test
    void whenTheStoreGoesAwayTheStoreCheckIsDownOnceTheCachedAnswerIsASecondOld() throws Exception {
        Readiness readiness = server.bean(Readiness.class);
        assertThat(readiness.isReady()).isTrue();

        // the embedded H2's pool (store.EmbeddedPool): closed, it hands out no connection
        ((AutoCloseable) server.bean(Database.class).dataSource()).close();
        assertThat(readiness.isReady())
                .as("the answer of less than a second ago")
                .isTrue();

        server.ticker().advance(Duration.ofSeconds(1));
        Readiness.Checks checks = readiness.checks();
        assertThat(checks).isEqualTo(new Readiness.Checks(true, false, true));
        assertThat(HealthJson.ready(checks.byName()))
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"checks\":{\"started\":\"UP\",\"store\":\"DOWN\",\"stopping\":\"UP\"}}");
    }
}
