package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.api.PublishedMessage;

/** A subscription made inside the node through the {@link PubSub} service. */
public final class LocalSubscription extends BaseSubscription implements PubSub.Subscription {
    private static final System.Logger LOG = System.getLogger("io.aldis.pubsub");

    private final Subscriptions table;
    private final PubSub.MessageListener listener;
    private final String label;

    LocalSubscription(Subscriptions table, Permissions permissions, String pattern, String queueGroup,
            PubSub.MessageListener listener, String label) {
        super(permissions, pattern, queueGroup, null);
        this.table = table;
        this.listener = listener;
        this.label = label;
        this.unrestricted = true;
    }

    @Override
    boolean offer(Delivery d, Subscriber publisher) {
        if (closed) {
            return false;
        }
        try {
            listener.onMessage(new PublishedMessage(d.subject, d.replyTo, d.headers, d.payload));
            delivered.increment();
            deliveredBytes.add(d.size);
        } catch (RuntimeException e) {
            dropped.increment();
            LOG.log(System.Logger.Level.WARNING, "Listener of local subscription on " + pattern + " failed", e);
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            table.removeLocal(this);
        }
    }

    @Override
    String owner() {
        return label;
    }

    @Override
    long pendingBytes() {
        return 0;
    }
}
