package io.aldis.node.core.internal;

import io.aldis.spi.auth.AuthenticatedUser;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resume tokens: 256 random bits, handed out with AUTH_OK and accepted in later CONNECTs until
 * they expire or an operator revokes them (per token or per user). They are only ever sent over
 * the authenticated connection, so they are as safe as that connection.
 */
final class ResumeTokens {
    /** A token and what it stands for. */
    record Grant(String token, AuthenticatedUser user, long expiresAt) {
    }

    private static final long PURGE_INTERVAL_MILLIS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile long ttlMillis;
    private volatile long nextPurgeAt;

    ResumeTokens(Clock clock, long ttlMillis) {
        this.clock = clock;
        this.ttlMillis = ttlMillis;
    }

    void ttlMillis(long ttl) {
        this.ttlMillis = ttl;
    }

    /** Issues a new token for a user. */
    Grant issue(AuthenticatedUser user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Grant grant = new Grant(token, user, clock.millis() + ttlMillis);
        grants.put(token, grant);
        // Sweeping every token on every login made logins slower the more there had been;
        // expired tokens are refused on sight anyway, so a sweep now and then is enough.
        long now = clock.millis();
        if (now >= nextPurgeAt) {
            nextPurgeAt = now + PURGE_INTERVAL_MILLIS;
            purgeExpired();
        }
        return grant;
    }

    /** The grant of a valid, unexpired token. */
    Optional<Grant> validate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Grant grant = grants.get(token);
        if (grant == null) {
            return Optional.empty();
        }
        if (grant.expiresAt() <= clock.millis()) {
            grants.remove(token);
            return Optional.empty();
        }
        return Optional.of(grant);
    }

    /** Revokes one token; returns whether it existed. */
    boolean revoke(String token) {
        return token != null && grants.remove(token) != null;
    }

    /** Revokes every token of a user. */
    int revokeUser(String user) {
        int removed = 0;
        for (Iterator<Grant> it = grants.values().iterator(); it.hasNext();) {
            if (it.next().user().name().equals(user)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    int size() {
        return grants.size();
    }

    private void purgeExpired() {
        long now = clock.millis();
        grants.values().removeIf(g -> g.expiresAt() <= now);
    }
}
