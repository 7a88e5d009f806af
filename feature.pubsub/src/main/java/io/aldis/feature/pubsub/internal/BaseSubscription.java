package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Something subscribed to a pattern: a session's subscription or one made inside the node. A
 * subscription whose user may not read every subject its pattern can match checks each subject
 * at delivery, remembering the last answers.
 */
abstract class BaseSubscription implements SubjectTrie.Entry {
    private static final int READ_CACHE_SIZE = 256;

    final PubSubEngine engine;
    final String pattern;
    final String queueGroup;
    /** The user whose permissions apply, or {@code null} for the node itself. */
    final AuthenticatedUser user;
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveredBytes = new LongAdder();
    final LongAdder dropped = new LongAdder();
    volatile boolean closed;
    /** Whether the user may read every subject the pattern matches, so no check per subject is needed. */
    volatile boolean unrestricted;

    private final Map<String, Boolean> readCache = new LinkedHashMap<>(32, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > READ_CACHE_SIZE;
        }
    };
    private long readCacheGeneration = -1;

    BaseSubscription(PubSubEngine engine, String pattern, String queueGroup, AuthenticatedUser user) {
        this.engine = engine;
        this.pattern = pattern;
        this.queueGroup = queueGroup;
        this.user = user;
    }

    @Override
    public final String pattern() {
        return pattern;
    }

    @Override
    public final String queueGroup() {
        return queueGroup;
    }

    /** Re-judges {@link #unrestricted} under the current authorizer. */
    final void authorize(Authorizer authorizer) {
        unrestricted = user == null || authorizer.permitsAll(user, Authorizer.PUBSUB, pattern, "subscribe");
    }

    /** Whether this subscription's user may read a subject. */
    final boolean mayRead(String subject) {
        if (unrestricted) {
            return true;
        }
        long generation = engine.authorizerGeneration();
        synchronized (readCache) {
            if (readCacheGeneration != generation) {
                readCache.clear();
                readCacheGeneration = generation;
            }
            Boolean known = readCache.get(subject);
            if (known != null) {
                return known;
            }
            boolean allowed = engine.authorizer().permits(user, Authorizer.PUBSUB, subject, "subscribe");
            readCache.put(subject, allowed);
            return allowed;
        }
    }

    /**
     * Offers one message. Returns false when this subscription cannot take it (closed, or its
     * user may not read the subject), so a queue group tries another member; true when it took
     * it, even if its policy then dropped it.
     *
     * @param publisher the publishing session, or {@code null} for the node
     */
    abstract boolean offer(Delivery delivery, Subscriber publisher);

    /** Ends the subscription and drops whatever it still queues. */
    abstract void close();

    /** A label for listings: who holds the subscription. */
    abstract String owner();

    /** Bytes queued and not yet handed to the connection. */
    abstract long pendingBytes();
}
