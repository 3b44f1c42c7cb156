package io.jobpulse.protocol;

import io.jobpulse.json.JsonMaps;
import io.jobpulse.json.Jsonp;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/**
 * The bodies of the health probes, {@code GET /jobpulse/health/live} and {@code /health/ready} (docs/api.md):
 * {@code {"status":"UP"}} for liveness, and for readiness the status with each check by name,
 * {@code {"status":"DOWN","checks":{"started":"UP","store":"DOWN","stopping":"UP"}}}. A check is {@code "UP"} when
 * it passes; the status is {@code "UP"} only when every check does.
 */
public final class HealthJson {

    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    private HealthJson() {}

    /** {@code {"status":"UP"}}: the application answers. */
    public static String live() {
        return JsonMaps.write(
                Jsonp.PROVIDER.createObjectBuilder().add("status", UP).build());
    }

    /**
     * {@code {"status":..,"checks":{name:"UP"|"DOWN",..}}}, the checks in the map's iteration order (pass a
     * {@link java.util.LinkedHashMap}); the status is UP when every check passed (true), and DOWN when there is none.
     */
    public static String ready(Map<String, Boolean> checks) {
        JsonObjectBuilder members = Jsonp.PROVIDER.createObjectBuilder();
        boolean all = !checks.isEmpty();
        for (Map.Entry<String, Boolean> check : checks.entrySet()) {
            members.add(check.getKey(), check.getValue() ? UP : DOWN);
            all &= check.getValue();
        }
        return JsonMaps.write(Jsonp.PROVIDER
                .createObjectBuilder()
                .add("status", all ? UP : DOWN)
                .add("checks", members)
                .build());
    }
}
