package io.aldis.protocol.api.spi.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who a session belongs to.
 *
 * @param name      the user name
 * @param roles     the user's roles, used by authorization
 * @param mechanism the mechanism that authenticated the user, or {@code RESUME} for a resume token
 */
public record AuthenticatedUser(String name, Set<String> roles, String mechanism) {
    public AuthenticatedUser {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(mechanism, "mechanism");
    }
}
