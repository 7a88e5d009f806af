package io.aldis.protocol.api.spi.node;

import java.util.Objects;
import java.util.Set;

/**
 * What a resume token stands for, as a {@link ResumeTokenStore} keeps it.
 *
 * @param key       the token's key ({@link Session#resumeKey()}), never the token itself
 * @param user      the user the token was issued to
 * @param roles     the user's roles when it was issued, which a resumed session gets
 * @param issuedAt  when it was issued, in epoch milliseconds
 * @param expiresAt when it expires, in epoch milliseconds
 */
public record ResumeGrant(String key, String user, Set<String> roles, long issuedAt, long expiresAt) {
    public ResumeGrant {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(user, "user");
        roles = Set.copyOf(roles);
    }
}
