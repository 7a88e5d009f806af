package io.aldis.node.core.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides when the verdict of an authentication attempt may be given. Each remote address and
 * each user name has a gate: after a failure the gate stays shut for a delay that doubles with
 * every further failure (up to a cap), and attempts pass it one at a time, each one taking the
 * next free time. The verdict of an attempt is only released at that time, the same time whether
 * the password was right or wrong, so neither parallel, pipelined nor abandoned attempts learn
 * anything sooner: an abandoned attempt still used up its turn. An attempt whose turn would come
 * later than the cap from now is refused at once, unjudged, with the same uniform failure.
 *
 * <p>The user's gate is what stops an attacker who rotates source addresses, and it is also what
 * could lock the real user out. So an address from which the user authenticated successfully
 * lately is trusted for that user: its attempts pass only the address's own gate, never the
 * user's, and attacks from elsewhere cannot delay them.
 *
 * <p>Thread-safe; every decision takes one lock, as an attempt must take its turn at two gates at
 * once and authentications are rare next to everything else a node does.
 */
public final class AuthThrottle {
    /** A gate forgets its failures after this long without a new one. */
    static final long FORGET_AFTER_MILLIS = 15 * 60 * 1000L;
    /** How long a successful authentication makes its address trusted for the user. */
    static final long TRUST_MILLIS = 7 * 24 * 60 * 60 * 1000L;
    private static final int MAX_ENTRIES = 100_000;

    /** When to give an attempt its verdict, or that it is refused without one. */
    public record Turn(long releaseAt, boolean refused) {
        static Turn refusal() {
            return new Turn(0, true);
        }
    }

    private static final class Gate {
        int failures;
        long lastFailureAt;
        /** The earliest time the next attempt through this gate may get its verdict. */
        long nextAt;
    }

    private final Clock clock;
    private final Map<String, Gate> gates = new HashMap<>();
    private final Map<String, Long> trustedSince = new HashMap<>();
    private long baseDelayMillis;
    private long maxDelayMillis;
    private long judged;
    private long throttled;
    private long refused;
    private long failedJudged;

    public AuthThrottle(Clock clock, long baseDelayMillis, long maxDelayMillis) {
        this.clock = clock;
        this.baseDelayMillis = baseDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
    }

    synchronized void delays(long base, long max) {
        this.baseDelayMillis = base;
        this.maxDelayMillis = max;
    }

    /**
     * Takes the next turn of an attempt that has been judged, and records its outcome for the
     * attempts after it. The turn does not depend on the outcome; only later turns do.
     *
     * @param user    the user name tried, or null when the attempt never named one
     * @param address the remote address
     * @param failed  whether the attempt failed
     */
    public synchronized Turn take(String user, String address, boolean failed) {
        long now = clock.millis();
        boolean trusted = user != null && isTrusted(user, address, now);
        Gate addressGate = gate("a:" + address, now);
        Gate userGate = user == null ? null : gate("u:" + user, now);
        // A trusted address passes only its own gate for this user; anyone else passes both.
        Gate waitedOn = trusted ? null : userGate;
        long releaseAt = Math.max(now, addressGate.nextAt);
        if (waitedOn != null) {
            releaseAt = Math.max(releaseAt, waitedOn.nextAt);
        }
        boolean underThrottle = releaseAt > now || addressGate.failures > 0
                || (waitedOn != null && waitedOn.failures > 0);
        if (underThrottle) {
            throttled++;
        }
        if (releaseAt - now > maxDelayMillis) {
            // Others are queued ahead: this one would wait longer than any single attempt may.
            refused++;
            return Turn.refusal();
        }
        judged++;
        if (failed) {
            failedJudged++;
            fail(addressGate, now);
            addressGate.nextAt = releaseAt + delayAfter(addressGate.failures);
            if (userGate != null) {
                fail(userGate, now);
                if (waitedOn != null) {
                    userGate.nextAt = releaseAt + delayAfter(userGate.failures);
                }
            }
        } else {
            addressGate.nextAt = releaseAt;
            if (waitedOn != null) {
                waitedOn.nextAt = releaseAt;
            }
            trust(user, address, releaseAt);
        }
        return new Turn(releaseAt, false);
    }

    /** Attempts judged while their address or user had failed lately, or that had to wait. */
    synchronized long throttledAttempts() {
        return throttled;
    }

    /** Judged attempts whose verdict was a failure, since the node started. */
    synchronized long failedAttempts() {
        return failedJudged;
    }

    /** Counters since the node started. */
    synchronized ThrottleCounts counts() {
        return new ThrottleCounts(judged, throttled, refused);
    }

    private long delayAfter(int failures) {
        if (failures <= 0) {
            return 0;
        }
        return Math.min(maxDelayMillis, baseDelayMillis << Math.min(20, failures - 1));
    }

    private static void fail(Gate gate, long now) {
        gate.failures++;
        gate.lastFailureAt = now;
    }

    private Gate gate(String key, long now) {
        Gate gate = gates.get(key);
        if (gate == null) {
            if (gates.size() >= MAX_ENTRIES) {
                gates.values().removeIf(g -> g.nextAt <= now && now - g.lastFailureAt > FORGET_AFTER_MILLIS);
            }
            gate = new Gate();
            gates.put(key, gate);
        } else if (gate.failures > 0 && now - gate.lastFailureAt > FORGET_AFTER_MILLIS) {
            gate.failures = 0;
        }
        return gate;
    }

    private boolean isTrusted(String user, String address, long now) {
        Long since = trustedSince.get(user + '\n' + address);
        return since != null && now - since <= TRUST_MILLIS;
    }

    private void trust(String user, String address, long at) {
        if (user == null) {
            return;
        }
        if (trustedSince.size() >= MAX_ENTRIES) {
            trustedSince.values().removeIf(since -> at - since > TRUST_MILLIS);
        }
        if (trustedSince.size() < MAX_ENTRIES) {
            trustedSince.put(user + '\n' + address, at);
        }
    }
}
