package io.aldis.protocol.api.spi.limits;

/**
 * A token bucket: {@code rate} tokens per second, holding at most {@code burst} (at least 1). Time
 * is passed in, in nanoseconds, so tests can drive it; the rate can change while it runs. Safe for
 * any thread. The features' rate limits (pub/sub's rates, file listings) are made of these.
 */
public final class TokenBucket {
    private double rate;
    private double burst;
    private double tokens;
    private long last;

    /** A full bucket: {@code burst} tokens at {@code now}. */
    public TokenBucket(double rate, double burst, long now) {
        this.rate = rate;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = now;
    }

    /** Takes one token; returns 0 when taken, else the nanoseconds until one is available. */
    public synchronized long tryTake(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / rate * 1e9));
    }

    /** Gives back a token taken by a check that failed on another bucket. */
    public synchronized void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }

    /** A new rate and burst from {@code now} on; what was earned until now at the old rate stays. */
    public synchronized void update(double newRate, double newBurst, long now) {
        refill(now);
        rate = newRate;
        burst = Math.max(1, newBurst);
        tokens = Math.min(tokens, burst);
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * rate / 1e9);
            last = now;
        }
    }
}
