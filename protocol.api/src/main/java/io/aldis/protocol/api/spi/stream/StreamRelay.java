package io.aldis.protocol.api.spi.stream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The stream of one call that the node forwarded with {@code STREAMS} to a client that provides
 * the service (docs/protocol.md 6.4.8), as the RPC feature holds it while the call runs. The
 * streaming feature runs both connections' streams: the provider's, on which the node is the
 * caller, and the caller's, on which the node is the callee. The RPC feature only tells it how the
 * call goes. Thread-safe.
 */
@ProviderType
public interface StreamRelay {
    /**
     * The provider answered the call, as {@link #close} with code 0 now says; kept for bundles
     * built against the first version of this interface.
     *
     * @return whether the provider opened a stream whose items go to the caller
     * @deprecated the provider's answer goes to the caller through the caller's stream
     *             ({@link CallStreamListener#opened}), which orders it after the stream's items
     *             itself; tell the relay with {@code close(0, "")}
     */
    @Deprecated
    boolean providerAnswered();

    /**
     * The call ended. With {@code code} 0 the provider answered it (RPC_RESPONSE or RPC_ERROR): the
     * answer closes whatever of the provider's stream is still open, and the provider's items the
     * node holds still go on to the caller, then their end, then the answer, which reaches the
     * caller through {@link CallStream#answer} of the stream {@link CallStreamListener#opened} gave.
     * Otherwise the call ended without the provider's answer (a cancel, the deadline, the provider
     * gone, the feature stopping) and both streams stop, as {@link CallStream#close} says.
     * Idempotent.
     */
    void close(int code, String message);
}
