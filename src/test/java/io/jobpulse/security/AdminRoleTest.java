package io.jobpulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdminRoleTest {

    private static final ApiKeys KEYS = ApiKeys.parse("alice:alice-secret,ops:ops-secret");

    @Test
    void onlyTheNamedClientsHaveTheRole() {
        AdminRole role = AdminRole.of(List.of("ops"), KEYS);

        assertThat(role.isAdmin("ops")).isTrue();
        assertThat(role.isAdmin("alice")).isFalse();
        assertThat(role.isAdmin("dev")).isFalse();
        assertThat(role.size()).isEqualTo(1);
    }

    @Test
    void nobodyHasTheRoleUnlessNamed() {
        AdminRole role = AdminRole.of(List.of(), KEYS);

        assertThat(role.isAdmin("ops")).isFalse();
        assertThat(role.isAdmin("dev")).isFalse();
        assertThat(role.size()).isZero();
    }

    @Test
    void aNameThatIsNoClientOfTheApiKeysIsRefusedByName() {
        assertThatThrownBy(() -> AdminRole.of(List.of("ops", "opz"), KEYS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'opz' is not a client of jobpulse.api-keys; name clients that have a key");
        assertThatThrownBy(() -> AdminRole.of(List.of("dev"), ApiKeys.parse("")))
                .as("dev mode's client is no client of the keys")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
