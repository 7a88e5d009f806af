package io.aldis.client;

import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A subscription of this client. It is established again, with the same id, after every automatic
 * reconnect until it is closed. {@link #close()} unsubscribes.
 */
@ProviderType
public interface Subscription extends AutoCloseable {
    /** The subscription id the client chose; DELIVER frames carry it. */
    long id();

    /** The subject pattern. */
    String pattern();

    /** The queue group, or empty. */
    String queueGroup();

    /**
     * Completes when the node first acknowledged the subscription, or fails with an
     * {@link AldisException} when it refused it ({@code INVALID_SUBJECT}, {@code FORBIDDEN},
     * {@code SUBSCRIPTION_LIMIT} ...); a refused subscription is not retried.
     */
    CompletableFuture<Void> ready();

    /** Whether the subscription is still active (not closed, not refused). */
    boolean active();

    /** Ends the subscription; the future completes on the node's ACK (at once when not connected). */
    CompletableFuture<Void> unsubscribe();

    /** Ends the subscription without waiting. */
    @Override
    void close();
}
