package io.jobpulse.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthJsonTest {

    @Test
    void liveIsStatusUp() {
        assertThat(HealthJson.live()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void readyIsUpWhenEveryCheckPassesAndNamesEachInOrder() {
        assertThat(HealthJson.ready(checks(true, true, true)))
                .isEqualTo("{\"status\":\"UP\",\"checks\":{\"started\":\"UP\",\"store\":\"UP\",\"stopping\":\"UP\"}}");
    }

    @Test
    void readyIsDownWhenOneCheckFailsAndSaysWhich() {
        assertThat(HealthJson.ready(checks(true, false, true)))
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"checks\":{\"started\":\"UP\",\"store\":\"DOWN\",\"stopping\":\"UP\"}}");
        assertThat(HealthJson.ready(checks(true, true, false)))
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"checks\":{\"started\":\"UP\",\"store\":\"UP\",\"stopping\":\"DOWN\"}}");
        assertThat(HealthJson.ready(checks(false, false, true)))
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"checks\":{\"started\":\"DOWN\",\"store\":\"DOWN\",\"stopping\":\"UP\"}}");
    }

    @Test
    void withoutAnyCheckItIsNotReady() {
        assertThat(HealthJson.ready(Map.of())).isEqualTo("{\"status\":\"DOWN\",\"checks\":{}}");
    }

    private static Map<String, Boolean> checks(boolean started, boolean store, boolean notStopping) {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("started", started);
        checks.put("store", store);
        checks.put("stopping", notStopping);
        return checks;
    }
}
