package io.aldis.feature.pubsub.internal.routing;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Something subscribed to a pattern: a session's subscription or one made inside the node. A
 * subscription whose user may not read every subject its pattern can match checks each subject
 * at delivery, remembering the last answers.
 */
public abstract class BaseSubscription implements SubjectTrie.Entry {
    private static final int READ_CACHE_SIZE = 256;

    final Permissions permissions;
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

    BaseSubscription(Permissions permissions, String pattern, String queueGroup, AuthenticatedUser user) {
        this.permissions = permissions;
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
    void authorize() {
        unrestricted = user == null || permissions.permitsAll(user, pattern, "subscribe");
    }

    /** Whether this subscription's user may read a subject. */
    final boolean mayRead(String subject) {
        if (unrestricted) {
            return true;
        }
        long generation = permissions.generation();
        synchronized (readCache) {
            if (readCacheGeneration != generation) {
                readCache.clear();
                readCacheGeneration = generation;
            }
            Boolean known = readCache.get(subject);
            if (known != null) {
                return known;
            }
            boolean allowed = permissions.permits(user, subject, "subscribe");
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
