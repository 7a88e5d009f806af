package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.scram.ScramCredentials;
import java.util.Objects;
import java.util.Set;

/**
 * One user of the credential store: a name, roles and SCRAM keys; never a password.
 *
 * @param name        the user name
 * @param roles       the user's roles
 * @param credentials salt, iterations, StoredKey and ServerKey
 */
public record StoredUser(String name, Set<String> roles, ScramCredentials credentials) {
    public StoredUser {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(credentials, "credentials");
    }
}
