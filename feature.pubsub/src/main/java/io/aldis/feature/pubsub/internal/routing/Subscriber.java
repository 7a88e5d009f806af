package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.stats.TopicStats;
import io.aldis.protocol.api.spi.limits.TokenBucket;
import io.aldis.protocol.api.spi.node.Session;
import io.netty.channel.EventLoop;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the pub/sub feature keeps for one session: its subscriptions, counters and rate bucket. */
public final class Subscriber {
    private static final int PUBLISH_CACHE_SIZE = 256;

    private final Permissions permissions;
    final Session session;
    /** The session's event loop, where its frames are handled. */
    final EventLoop loop;
    final Map<Long, SessionSubscription> subscriptions = new ConcurrentHashMap<>();
    /** Subscriptions with queued messages, drained when the session turns writable. */
    final Set<SessionSubscription> backlog = ConcurrentHashMap.newKeySet();
    public final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder errors = new LongAdder();
    /** The connection's rate-limit bucket, or null when connections are not limited. */
    public volatile TokenBucket bucket;
    volatile boolean closed;
    private final AutoCloseable writableHandle;

    private final Map<String, Boolean> publishCache = new LinkedHashMap<>(32, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > PUBLISH_CACHE_SIZE;
        }
    };
    private long publishCacheGeneration = -1;
    private volatile PublishedSubject lastPublished;

    /** Where this session's last publish went; read and written on the session's event loop only. */
    Route lastRoute;

    /** A subject's statistics (null when not tracked) and the subscriptions it matched. */
    record Route(String subject, TopicStats topic, SubjectTrie.Match<BaseSubscription> match) {
    }

    /** A subject that passed every publish check, with what it was checked against. */
    private record PublishedSubject(String subject, PubSubSettings settings, long authorizerGeneration) {
    }

    Subscriber(Permissions permissions, Session session) {
        this.permissions = permissions;
        this.session = session;
        this.loop = session.connection().channel().eventLoop();
        this.writableHandle = session.onWritable(this::drainBacklog);
    }

    public Session session() {
        return session;
    }

    /** Whether the session's user may publish on a subject. */
    boolean mayPublish(String subject) {
        long generation = permissions.generation();
        synchronized (publishCache) {
            if (publishCacheGeneration != generation) {
                publishCache.clear();
                publishCacheGeneration = generation;
            }
            Boolean known = publishCache.get(subject);
            if (known != null) {
                return known;
            }
            boolean allowed = permissions.permits(session.user(), subject, "publish");
            publishCache.put(subject, allowed);
            return allowed;
        }
    }

    /**
     * Whether {@code subject} is the very instance this session last published on after it passed
     * every check, under the same settings and permissions.
     */
    boolean publishedLast(String subject, PubSubSettings settings, long authorizerGeneration) {
        PublishedSubject last = lastPublished;
        return last != null && last.subject == subject && last.settings == settings
                && last.authorizerGeneration == authorizerGeneration;
    }

    /** Remembers a subject that passed every publish check, for {@link #publishedLast}. */
    void rememberPublished(String subject, PubSubSettings settings, long authorizerGeneration) {
        lastPublished = new PublishedSubject(subject, settings, authorizerGeneration);
    }

    private void drainBacklog() {
        for (SessionSubscription sub : backlog) {
            if (!session.writable()) {
                return;
            }
            sub.drain();
        }
    }

    void close() {
        closed = true;
        try {
            writableHandle.close();
        } catch (Exception ignored) {
            // nothing to release
        }
    }
}
