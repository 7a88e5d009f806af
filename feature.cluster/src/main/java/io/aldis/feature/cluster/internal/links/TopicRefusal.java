package io.aldis.feature.cluster.internal.links;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a member whose links use TLS does with what arrives on its Hazelcast topics: it takes
 * nothing, since anything there came in clear from a member that may hold no certificate. Each
 * refused message is counted, and the log says so at most once every ten seconds.
 */
public final class TopicRefusal {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final String what;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sinceWarning = new AtomicLong();
    private final EveryTenSeconds warnings = new EveryTenSeconds();

    /** @param what what the topic carries, in the log's words ("a message", "an RPC message") */
    public TopicRefusal(String what) {
        this.what = what;
    }

    /** Counts and, at most once every ten seconds, logs a message refused from {@code member}. */
    public void refuse(String member) {
        refused.incrementAndGet();
        long n = sinceWarning.incrementAndGet();
        if (warnings.due()) {
            sinceWarning.set(0);
            LOG.log(System.Logger.Level.WARNING, "Dropped {0} that member {1} sent through Hazelcast: this member''s links"
                    + " use TLS, and it takes nothing sent in clear; give every member the same tls. settings{2}",
                    what, member, n > 1 ? " (" + (n - 1) + " more dropped in the last 10 s)" : "");
        }
    }

    /** Messages refused since this member joined. */
    public long refused() {
        return refused.get();
    }
}
