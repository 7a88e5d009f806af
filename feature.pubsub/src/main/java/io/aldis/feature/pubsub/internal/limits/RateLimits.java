package io.aldis.feature.pubsub.internal.limits;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.protocol.api.spi.limits.TokenBucket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The publish rate limits of the settings: one bucket for all clients together, one per subject
 * prefix, and one per connection, which the connection's holder keeps (see
 * {@link #connectionBucket}) so that publishing needs no lookup for it. A message takes a token
 * from every bucket that applies, or from none.
 */
public final class RateLimits {
    /** A publish refused: the limit that was reached, and when a token will be there again. */
    public record Refusal(String limit, long retryAfterMillis) {
    }

    private volatile PubSubSettings settings;
    private volatile TokenBucket global;
    private volatile Map<String, TokenBucket> prefixes = Map.of();
    private volatile int maxPrefixDepth;

    public RateLimits(PubSubSettings settings, long now) {
        apply(settings, now);
    }

    /** Takes the rates of new settings; buckets that stay keep their tokens. */
    public synchronized void apply(PubSubSettings s, long now) {
        TokenBucket g = global;
        if (s.rateGlobal() <= 0) {
            global = null;
        } else if (g == null) {
            global = new TokenBucket(s.rateGlobal(), burst(s.rateGlobal(), s.rateGlobalBurst()), now);
        } else {
            g.update(s.rateGlobal(), burst(s.rateGlobal(), s.rateGlobalBurst()), now);
        }
        Map<String, TokenBucket> old = prefixes;
        Map<String, TokenBucket> fresh = new HashMap<>();
        int depth = 0;
        for (PubSubSettings.PrefixLimit limit : s.ratePrefixes()) {
            TokenBucket existing = old.get(limit.prefix());
            double burst = burst(limit.rate(), limit.burst());
            if (existing != null) {
                existing.update(limit.rate(), burst, now);
                fresh.put(limit.prefix(), existing);
            } else {
                fresh.put(limit.prefix(), new TokenBucket(limit.rate(), burst, now));
            }
            depth = Math.max(depth, depth(limit.prefix()));
        }
        prefixes = Map.copyOf(fresh);
        maxPrefixDepth = depth;
        settings = s;
    }

    /**
     * The bucket one connection should hold under the settings in force: {@code existing} with the
     * current rate, a new one, or {@code null} when connections are not limited.
     */
    public TokenBucket connectionBucket(TokenBucket existing, long now) {
        PubSubSettings s = settings;
        if (s.ratePerConnection() <= 0) {
            return null;
        }
        double burst = burst(s.ratePerConnection(), s.ratePerConnectionBurst());
        if (existing == null) {
            return new TokenBucket(s.ratePerConnection(), burst, now);
        }
        existing.update(s.ratePerConnection(), burst, now);
        return existing;
    }

    /** Whether no limit applies to a connection holding {@code connection}, so nothing needs taking. */
    public boolean off(TokenBucket connection) {
        return connection == null && global == null && prefixes.isEmpty();
    }

    /**
     * Takes a token for one message on {@code subject} from every bucket that applies.
     *
     * @return {@code null} when the message may go; otherwise the limit it hit, and no bucket lost a token
     */
    public Refusal take(TokenBucket connection, String subject, long now) {
        TokenBucket g = global;
        Map<String, TokenBucket> byPrefix = prefixes;
        List<TokenBucket> taken = new ArrayList<>(3);
        String limit = null;
        long wait = 0;
        if (!byPrefix.isEmpty()) {
            int end = -1;
            int depth = maxPrefixDepth;
            for (int d = 1; d <= depth; d++) {
                end = subject.indexOf('.', end + 1);
                String prefix = end < 0 ? subject : subject.substring(0, end);
                TokenBucket b = byPrefix.get(prefix);
                if (b != null) {
                    wait = b.tryTake(now);
                    if (wait > 0) {
                        limit = "prefix:" + prefix;
                        break;
                    }
                    taken.add(b);
                }
                if (end < 0) {
                    break;
                }
            }
        }
        if (limit == null && connection != null) {
            wait = connection.tryTake(now);
            if (wait > 0) {
                limit = "connection";
            } else {
                taken.add(connection);
            }
        }
        if (limit == null && g != null) {
            wait = g.tryTake(now);
            if (wait > 0) {
                limit = "global";
            } else {
                taken.add(g);
            }
        }
        if (limit == null) {
            return null;
        }
        for (TokenBucket b : taken) {
            b.giveBack();
        }
        return new Refusal(limit, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
    }

    /** A burst of 0 means one second's worth of the rate (at least one message). */
    private static double burst(double rate, double burst) {
        return burst > 0 ? burst : Math.max(1, rate);
    }

    private static int depth(String prefix) {
        int n = 1;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }
}
