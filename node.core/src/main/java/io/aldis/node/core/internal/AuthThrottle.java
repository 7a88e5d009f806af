package io.aldis.node.core.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slows down repeated authentication failures per user and per remote address. Every failure
 * pushes the key's "next allowed" time further out (doubling up to a cap), and any attempt that
 * touches a throttled key is held back until then, so parallel connections do not get around it.
 * Nothing is ever locked out: the real user waits at most the cap, which an attacker cannot turn
 * into a denial of service.
 */
final class AuthThrottle {
    private static final long FORGET_AFTER_MILLIS = 15 * 60 * 1000L;

    private static final class Entry {
        int failures;
        long nextAllowedAt;
        long lastFailureAt;
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong delayedAttempts = new AtomicLong();
    private volatile long baseDelayMillis;
    private volatile long maxDelayMillis;

    AuthThrottle(Clock clock, long baseDelayMillis, long maxDelayMillis) {
        this.clock = clock;
        this.baseDelayMillis = baseDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
    }

    void delays(long base, long max) {
        this.baseDelayMillis = base;
        this.maxDelayMillis = max;
    }

    /** How long an attempt for this user from this address must wait before it is judged, in ms. */
    long delayBeforeAttempt(String user, String address) {
        long now = clock.millis();
        long wait = Math.max(waitFor(userKey(user), now), waitFor(addressKey(address), now));
        if (wait > 0) {
            delayedAttempts.incrementAndGet();
        }
        return wait;
    }

    /**
     * Records a failure and returns how long to hold back its answer, in ms.
     */
    long failed(String user, String address) {
        long now = clock.millis();
        long delay = Math.max(bump(userKey(user), now), bump(addressKey(address), now));
        if (delay > 0) {
            delayedAttempts.incrementAndGet();
        }
        return delay;
    }

    /** A success clears the user's record (the address keeps its own, shared by other users). */
    void succeeded(String user) {
        if (user != null) {
            entries.remove(userKey(user));
        }
    }

    /** Attempts that were held back so far. */
    long delayedAttempts() {
        return delayedAttempts.get();
    }

    private long waitFor(String key, long now) {
        if (key == null) {
            return 0;
        }
        Entry e = entries.get(key);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return Math.max(0, e.nextAllowedAt - now);
        }
    }

    private long bump(String key, long now) {
        if (key == null) {
            return 0;
        }
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (now - e.lastFailureAt > FORGET_AFTER_MILLIS) {
                e.failures = 0;
            }
            e.failures++;
            e.lastFailureAt = now;
            long penalty = Math.min(maxDelayMillis, baseDelayMillis << Math.min(20, e.failures - 1));
            e.nextAllowedAt = Math.max(now, e.nextAllowedAt) + penalty;
            e.nextAllowedAt = Math.min(e.nextAllowedAt, now + maxDelayMillis);
            if (entries.size() > 100_000) {
                entries.values().removeIf(x -> now - x.lastFailureAt > FORGET_AFTER_MILLIS);
            }
            return e.nextAllowedAt - now;
        }
    }

    private static String userKey(String user) {
        return user == null || user.isEmpty() ? null : "u:" + user;
    }

    private static String addressKey(String address) {
        return address == null ? null : "a:" + address;
    }
}
