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
     * The provider answered the call (RPC_RESPONSE). The answer closes whatever of the provider's
     * stream is still open; the provider's items the node holds still go on to the caller, and then
     * the end of them.
     *
     * @return true when the answer is to wait for {@link CallStreamListener#ended()}: the provider
     *         opened a stream whose items go to the caller, and the caller has to get them, and
     *         their end, before the answer closes its stream. False when the answer goes to the
     *         caller now (the provider opened no stream, or its stream carries only the caller's
     *         items).
     */
    boolean providerAnswered();

    /**
     * The call ended, as {@link CallStream#close} says: with {@code code} 0 it was answered and the
     * answer closes both streams; otherwise it ended without the provider's answer (a cancel, the
     * deadline, the provider gone, the feature stopping) and both streams stop. Idempotent.
     */
    void close(int code, String message);
}
