package io.aldis.node.core.internal;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Resume tokens: 256 random bits, handed out with AUTH_OK and accepted in later CONNECTs until
 * they expire, are revoked (per token, per user, or by the client's logout), or are pushed out by
 * newer tokens of the same user beyond the per-user cap. They are only ever sent over the
 * authenticated connection, so they are as safe as that connection.
 *
 * <p>Every token is kept here, in the node's memory. While a feature provides a
 * {@link ResumeTokenStore} ({@link #share}), each token is also put there, and the shared store is
 * the one that says whether a token is valid: it knows the tokens other nodes issued and what they
 * revoked. When the store goes away, the node checks tokens here again, so the tokens it issued or
 * resumed itself keep working. The shared store is only ever called on the executor given with it,
 * never on a connection's event loop.
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
    /** The length of a token: 32 random bytes in unpadded base64url. */
    private static final int TOKEN_CHARS = 43;
    private static final System.Logger LOG = System.getLogger("io.aldis.node");

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new HashMap<>();
    /** Each user's tokens, oldest first. */
    private final Map<String, LinkedHashSet<String>> byUser = new HashMap<>();
    /**
     * Tokens revoked here, until they would have expired: the shared store may still hold one
     * whose removal failed or is on its way, and it must not be taken back from there.
     */
    private final Map<String, Long> revoked = new HashMap<>();
    /** Users whose tokens were all revoked here, with the time of it, kept for a token's lifetime. */
    private final Map<String, UserRevocation> usersRevoked = new HashMap<>();
    private final Clock clock;
    private volatile long ttlMillis;
    private volatile int maxPerUser;
    private long nextPurgeAt;
    /** The store the node checks tokens against; null while it has none, or hands one its tokens. */
    private volatile Shared shared;
    /** The store last given to {@link #share}, in use or being handed the tokens. */
    private volatile Shared pending;

    /** A user's revocation: tokens issued before {@code at} are void until {@code keptUntil}. */
    private record UserRevocation(long at, long keptUntil) {
    }

    /** A shared store and the threads that may call it. */
    private record Shared(ResumeTokenStore store, Executor executor) {
    }

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

    /** Revokes one token, in the shared store too (without waiting for it); returns whether it existed here. */
    public boolean revoke(String token) {
        Shared link = shared;
        if (link != null && token != null) {
            run(link, () -> link.store().remove(keyOf(token)), false);
        }
        return revokeHere(token);
    }

    private synchronized boolean revokeHere(String token) {
        if (token == null) {
            return false;
        }
        Grant grant = grants.get(token);
        if (pending != null) {
            // Kept as long as the token could be valid anywhere; without a store nothing could bring it back.
            revoked.put(token, grant != null ? grant.expiresAt() : clock.millis() + ttlMillis);
        }
        if (grant == null) {
            return false;
        }
        forget(grant);
        return true;
    }

    /** Drops a token the shared store no longer has: not a revocation made here. */
    private synchronized void forgetHere(String token) {
        Grant grant = grants.get(token);
        if (grant != null) {
            forget(grant);
        }
    }

    /**
     * Keeps a grant the shared store holds, unless it was revoked here and its removal there was
     * lost or is not made yet; checked and kept under one lock, so no revocation falls between.
     */
    private synchronized Optional<Grant> adoptUnlessRevoked(String token, ResumeGrant found) {
        UserRevocation user = usersRevoked.get(found.user());
        if (revoked.containsKey(token) || user != null && found.issuedAt() < user.at()) {
            return Optional.empty();
        }
        Grant grant = new Grant(token, new AuthenticatedUser(found.user(), found.roles(), "RESUME"), found.expiresAt());
        adopt(grant);
        return Optional.of(grant);
    }

    /**
     * Revokes every token of a user, here and, waiting for it, in the shared store, whichever node
     * issued them; returns how many were revoked (the larger of the two counts). Not to be called
     * on an event loop while a store is shared.
     */
    int revokeUser(String user) {
        int here = revokeUserHere(user);
        Shared link = shared;
        if (link == null) {
            return here;
        }
        try {
            return Math.max(here, link.store().removeUser(user));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The shared resume token store failed to revoke the tokens of "
                    + user + "; only this node's are revoked: " + e);
            return here;
        }
    }

    private synchronized int revokeUserHere(String user) {
        if (pending != null) {
            long now = clock.millis();
            usersRevoked.put(user, new UserRevocation(now, now + ttlMillis));
        }
        LinkedHashSet<String> own = byUser.remove(user);
        if (own == null) {
            return 0;
        }
        for (String token : own) {
            Grant grant = grants.remove(token);
            if (pending != null && grant != null) {
                revoked.put(token, grant.expiresAt()); // for a store still being handed the tokens
            }
        }
        return own.size();
    }

    /**
     * Shares the tokens through {@code store} from now on, calling it on {@code executor}. First,
     * on the executor and without the caller waiting, it hands the store the tokens held here, so
     * that those of sessions open now become valid on every node; until then tokens are checked
     * here, so that none of them is taken for revoked meanwhile. Null stops sharing.
     */
    public void share(ResumeTokenStore store, Executor executor) {
        if (store == null) {
            pending = null;
            shared = null;
            return;
        }
        Shared link = new Shared(store, executor);
        pending = link;
        run(link, () -> {
            handOverUntilCaughtUp(link);
            return null;
        }, null);
    }

    /**
     * Hands the store being shared every token held here and takes out of it every token revoked
     * here, again for those issued or revoked meanwhile, until a round finds nothing new; then, in
     * the same step, makes it the store in use, so that from then on {@link #issueShared} puts each
     * new token there itself. A token issued while the store is handed the tokens is checked here
     * until the store has it: were the store in use sooner, a client resuming with it would be
     * told it was revoked. Stops if the store was withdrawn or replaced meanwhile.
     */
    private void handOverUntilCaughtUp(Shared link) {
        java.util.Set<String> handed = new java.util.HashSet<>();
        java.util.Set<String> removed = new java.util.HashSet<>();
        while (true) {
            java.util.List<Grant> grantsLeft;
            java.util.List<String> revokedLeft;
            synchronized (this) {
                if (pending != link) {
                    return;
                }
                grantsLeft = grants.values().stream().filter(grant -> !handed.contains(grant.token())).toList();
                revokedLeft = revoked.keySet().stream().filter(token -> !removed.contains(token)).toList();
                if (grantsLeft.isEmpty() && revokedLeft.isEmpty()) {
                    shared = link;
                    return;
                }
            }
            handOver(link, grantsLeft);
            grantsLeft.forEach(grant -> handed.add(grant.token()));
            for (String token : revokedLeft) {
                try {
                    link.store().remove(keyOf(token));
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(System.Logger.Level.WARNING, "The shared resume token store failed to take out a token"
                            + " revoked on this node; other nodes may still accept it: " + e);
                }
                removed.add(token);
            }
        }
    }

    private synchronized boolean holds(Grant grant) {
        return grants.get(grant.token()) == grant;
    }

    private void handOver(Shared link, java.util.List<Grant> held) {
        long now = clock.millis();
        long ttl = ttlMillis;
        int max = maxPerUser;
        for (Grant grant : held) {
            if (grant.expiresAt() > now && holds(grant)) {
                // Issued before the store came: the expiry is exact, the time of issue a guess from it.
                putShared(link, grant, grant.expiresAt() - ttl, max);
            }
        }
    }

    /** The shared store in use or being handed the tokens, or null. */
    public ResumeTokenStore sharedStore() {
        Shared link = pending;
        return link == null ? null : link.store();
    }

    /**
     * Issues a token as {@link #issue} does; completes once the shared store, if there is one, has
     * it too, so that the token is good on every node from the moment the client gets it. A
     * store that fails costs only that: the token is valid here.
     */
    public CompletableFuture<Grant> issueShared(AuthenticatedUser user) {
        long issuedAt = clock.millis();
        return shareIssued(issue(user), issuedAt);
    }

    /**
     * Puts a token {@link #issue} gave into the shared store, if there is one; completes with the
     * grant once the store has it, or failed to take it (the token is then valid here only).
     */
    public CompletableFuture<Grant> shareIssued(Grant grant, long issuedAt) {
        Shared link = shared;
        if (link == null) {
            return CompletableFuture.completedFuture(grant);
        }
        int max = maxPerUser;
        return run(link, () -> {
            putShared(link, grant, issuedAt, max);
            return grant;
        }, grant);
    }

    /**
     * Validates a token as {@link #validate} does, asking the shared store when there is one. A
     * token found there is kept here too, so that it still works here if the store goes away.
     */
    public CompletableFuture<Optional<Grant>> validateShared(String token) {
        Shared link = shared;
        if (link == null || !wellFormed(token)) {
            // Nothing to ask the cluster about a string no node could have issued.
            return CompletableFuture.completedFuture(validate(token));
        }
        return run(link, () -> {
            Optional<ResumeGrant> found;
            try {
                found = link.store().get(keyOf(token));
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "The shared resume token store failed; checking the token"
                        + " against this node's own: " + e);
                return validate(token);
            }
            if (found.isEmpty() || found.get().expiresAt() <= clock.millis()) {
                // Revoked or dropped on another node: forget it here as well.
                forgetHere(token);
                return Optional.<Grant>empty();
            }
            return adoptUnlessRevoked(token, found.get());
        }, Optional.<Grant>empty());
    }

    /** Whether {@code token} has the form {@link #issue} gives every token: 32 bytes in unpadded base64url. */
    static boolean wellFormed(String token) {
        if (token == null || token.length() != TOKEN_CHARS) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Tells the shared store, if any, that a session resumed here with {@code token}. */
    public void resumedHere(String token) {
        Shared link = shared;
        if (link != null && token != null) {
            run(link, () -> {
                link.store().resumed(keyOf(token));
                return null;
            }, null);
        }
    }

    private void putShared(Shared link, Grant grant, long issuedAt, int max) {
        try {
            link.store().put(new ResumeGrant(keyOf(grant.token()), grant.user().name(), grant.user().roles(), issuedAt,
                    grant.expiresAt()), max);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "The shared resume token store failed; the token is valid on this"
                    + " node only: " + e);
        }
    }

    /**
     * Runs {@code work} on the store's executor; {@code otherwise} when the executor refuses it or
     * the work fails in any way. The future never fails: an error as well as an exception (a class
     * gone while the feature that provides the store is refreshed) leaves the node on its own tokens.
     */
    private static <T> CompletableFuture<T> run(Shared link, java.util.function.Supplier<T> work, T otherwise) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (Throwable e) {
                    LOG.log(System.Logger.Level.WARNING, "The shared resume token store failed: " + e);
                    return otherwise;
                }
            }, link.executor());
        } catch (Throwable refused) {
            // Shutting down, or the executor failed: the store is not asked.
            return CompletableFuture.completedFuture(otherwise);
        }
    }

    /** Keeps a grant another node issued, under this node's cap too. */
    private synchronized void adopt(Grant grant) {
        if (grants.putIfAbsent(grant.token(), grant) == null) {
            LinkedHashSet<String> own = byUser.computeIfAbsent(grant.user().name(), k -> new LinkedHashSet<>());
            own.add(grant.token());
            for (Iterator<String> oldest = own.iterator(); own.size() > Math.max(1, maxPerUser);) {
                grants.remove(oldest.next());
                oldest.remove();
            }
        }
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
        revoked.values().removeIf(until -> until <= now);
        usersRevoked.values().removeIf(user -> user.keptUntil() <= now);
    }
}
