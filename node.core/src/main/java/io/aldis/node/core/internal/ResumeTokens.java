package io.aldis.node.core.internal;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

/**
 * Resume tokens: 256 random bits, handed out with AUTH_OK and accepted in later CONNECTs until
 * they expire, are revoked (per token, per user, or by the client's logout), or are pushed out by
 * newer tokens of the same user beyond the per-user cap. They are only ever sent over the
 * authenticated connection, so they are as safe as that connection.
 */
public final class ResumeTokens {
    /**
     * What features may know of a token ({@code Session.resumeKey()}): a digest, so that the token
     * itself, which lets its holder in, stays with the core.
     */
    public static String keyOf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A token and what it stands for. */
    public record Grant(String token, AuthenticatedUser user, long expiresAt) {
    }

    /** The default of {@code maxResumeTokensPerUser}. */
    static final int DEFAULT_MAX_PER_USER = 100;
    private static final long PURGE_INTERVAL_MILLIS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new HashMap<>();
    /** Each user's tokens, oldest first. */
    private final Map<String, LinkedHashSet<String>> byUser = new HashMap<>();
    private final Clock clock;
    private long ttlMillis;
    private int maxPerUser;
    private long nextPurgeAt;

    ResumeTokens(Clock clock, long ttlMillis) {
        this(clock, ttlMillis, DEFAULT_MAX_PER_USER);
    }

    public ResumeTokens(Clock clock, long ttlMillis, int maxPerUser) {
        this.clock = clock;
        this.ttlMillis = ttlMillis;
        this.maxPerUser = maxPerUser;
    }

    synchronized void limits(long ttl, int maxTokensPerUser) {
        this.ttlMillis = ttl;
        this.maxPerUser = maxTokensPerUser;
    }

    /** Issues a new token for a user, dropping the user's oldest ones beyond the cap. */
    public synchronized Grant issue(AuthenticatedUser user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.millis();
        Grant grant = new Grant(token, user, now + ttlMillis);
        grants.put(token, grant);
        LinkedHashSet<String> own = byUser.computeIfAbsent(user.name(), k -> new LinkedHashSet<>());
        own.add(token);
        for (Iterator<String> oldest = own.iterator(); own.size() > Math.max(1, maxPerUser);) {
            grants.remove(oldest.next());
            oldest.remove();
        }
        // Sweeping every token on every login made logins slower the more there had been;
        // expired tokens are refused on sight anyway, so a sweep now and then is enough.
        if (now >= nextPurgeAt) {
            nextPurgeAt = now + PURGE_INTERVAL_MILLIS;
            purgeExpired(now);
        }
        return grant;
    }

    /** The grant of a valid, unexpired token. */
    public synchronized Optional<Grant> validate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Grant grant = grants.get(token);
        if (grant == null) {
            return Optional.empty();
        }
        if (grant.expiresAt() <= clock.millis()) {
            forget(grant);
            return Optional.empty();
        }
        return Optional.of(grant);
    }

    /** Revokes one token; returns whether it existed. */
    public synchronized boolean revoke(String token) {
        Grant grant = token == null ? null : grants.get(token);
        if (grant == null) {
            return false;
        }
        forget(grant);
        return true;
    }

    /** Revokes every token of a user. */
    synchronized int revokeUser(String user) {
        LinkedHashSet<String> own = byUser.remove(user);
        if (own == null) {
            return 0;
        }
        own.forEach(grants::remove);
        return own.size();
    }

    synchronized int size() {
        return grants.size();
    }

    /** How many tokens a user holds now. */
    synchronized int sizeOf(String user) {
        LinkedHashSet<String> own = byUser.get(user);
        return own == null ? 0 : own.size();
    }

    private void forget(Grant grant) {
        grants.remove(grant.token());
        LinkedHashSet<String> own = byUser.get(grant.user().name());
        if (own != null) {
            own.remove(grant.token());
            if (own.isEmpty()) {
                byUser.remove(grant.user().name());
            }
        }
    }

    private void purgeExpired(long now) {
        grants.values().stream().filter(g -> g.expiresAt() <= now).toList().forEach(this::forget);
    }
}
