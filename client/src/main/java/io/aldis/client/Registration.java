package io.aldis.client;

import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A service this client provides to the node. It is provided again after every reconnect, until it
 * is withdrawn. {@link #close()} withdraws it.
 */
@ProviderType
public interface Registration extends AutoCloseable {
    /** The service name. */
    String service();

    /**
     * Completes when the node acknowledged the service (the first time), or fails with an
     * {@link AldisException} when it refused it (a bad name, a name served inside the node, no
     * permission).
     */
    CompletableFuture<Void> ready();

    /** Withdraws the service; the future completes on the node's ACK (at once when not connected). */
    CompletableFuture<Void> withdraw();

    /** Withdraws the service without waiting. */
    @Override
    void close();
}
