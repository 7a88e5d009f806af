package io.aldis.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How a client reconnects after losing its connection: exponential backoff from an initial delay,
 * doubling up to a cap, for a number of attempts, with an optional random spread so that many
 * clients cut off together do not all come back at the same instant. A client that knows several
 * node addresses first tries each of the others once, at once, and waits these delays only when
 * none answers (or when it made such a round less than the first delay before). Immutable.
 */
public final class ReconnectPolicy {
    private static final ReconnectPolicy NONE = new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 0, 0);

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final double jitter;

    private ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, double jitter) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.jitter = jitter;
    }

    /**
     * Attempt {@code n} waits {@code min(initial * 2^(n-1), max)}; there is no jitter until
     * {@link #withJitter(double)} adds it.
     *
     * @throws IllegalArgumentException if a delay is negative, {@code max < initial} or
     *                                  {@code maxAttempts < 0}
     */
    public static ReconnectPolicy exponential(Duration initial, Duration max, int maxAttempts) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
        return new ReconnectPolicy(initial, max, maxAttempts, 0);
    }

    /** No reconnect: a lost connection leaves the client {@link ClientState#FAILED}. */
    public static ReconnectPolicy none() {
        return NONE;
    }

    /** The default: 1 s doubling to 30 s, 10 attempts, ±20 % jitter. */
    public static ReconnectPolicy defaultPolicy() {
        return exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 10).withJitter(0.2);
    }

    /**
     * The same policy with each delay spread uniformly over {@code ±fraction} of its value.
     *
     * @param fraction between 0 (no jitter) and 1
     */
    public ReconnectPolicy withJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("jitter must be within [0, 1]: " + fraction);
        }
        return new ReconnectPolicy(initialDelay, maxDelay, maxAttempts, fraction);
    }

    /** The delay before the first attempt, without jitter. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The cap on the delay, without jitter. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** How many attempts are made before giving up; 0 means never reconnect. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The jitter fraction. */
    public double jitter() {
        return jitter;
    }

    /** Whether this policy reconnects at all. */
    public boolean enabled() {
        return maxAttempts > 0;
    }

    /** The delay before attempt {@code attempt} (from 1) without jitter. */
    public Duration baseDelay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        long initial = initialDelay.toNanos();
        long max = maxDelay.toNanos();
        long delay = initial;
        // Doubling stops at the cap, so the shift can never overflow however large the attempt.
        for (int i = 1; i < attempt && delay < max; i++) {
            delay = delay > max / 2 ? max : delay * 2;
        }
        return Duration.ofNanos(Math.min(delay, max));
    }

    /** The delay before attempt {@code attempt} (from 1), jitter drawn from {@code random}. */
    public Duration delay(int attempt, RandomGenerator random) {
        Duration base = baseDelay(attempt);
        if (jitter == 0) {
            return base;
        }
        double spread = (random.nextDouble() * 2 - 1) * jitter;
        long nanos = Math.round(base.toNanos() * (1 + spread));
        return Duration.ofNanos(Math.max(0, nanos));
    }

    /** The delay before attempt {@code attempt} (from 1), with random jitter. */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconnectPolicy p && p.initialDelay.equals(initialDelay) && p.maxDelay.equals(maxDelay)
                && p.maxAttempts == maxAttempts && p.jitter == jitter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialDelay, maxDelay, maxAttempts, jitter);
    }

    @Override
    public String toString() {
        return maxAttempts == 0 ? "ReconnectPolicy.none()"
                : "ReconnectPolicy.exponential(" + initialDelay + ", " + maxDelay + ", " + maxAttempts + ")"
                        + (jitter == 0 ? "" : ".withJitter(" + jitter + ")");
    }
}
