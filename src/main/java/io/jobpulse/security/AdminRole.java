package io.jobpulse.security;

import java.util.List;
import java.util.Set;

/**
 * Which API clients have the admin role ({@code jobpulse.admin-clients}): they may list, watch and cancel every
 * client's jobs through {@code /api/admin} and see the page's operator view. The one place that decides it. Nobody is
 * admin unless named, in dev mode too.
 */
public final class AdminRole {

    /** The role's name in a request's security context. */
    public static final String ROLE = "admin";

    private final Set<String> clients;

    private AdminRole(Set<String> clients) {
        this.clients = Set.copyOf(clients);
    }

    /**
     * The role of the {@code named} clients; each must be a client of {@code keys}, else an
     * {@link IllegalArgumentException} naming it (a client name is no secret).
     */
    public static AdminRole of(List<String> named, ApiKeys keys) {
        for (String client : named) {
            if (!keys.hasClient(client)) {
                throw new IllegalArgumentException(
                        "'" + client + "' is not a client of jobpulse.api-keys; name clients that have a key");
            }
        }
        return new AdminRole(Set.copyOf(named));
    }

    public boolean isAdmin(String client) {
        return clients.contains(client);
    }

    public int size() {
        return clients.size();
    }
}
