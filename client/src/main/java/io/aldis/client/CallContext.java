package io.aldis.client;

import java.time.Instant;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a provided service knows about the call it is serving. The call is cancelled when the caller
 * cancels it, when its deadline passes (the node then sends RPC_CANCEL), and when the connection
 * to the node breaks, since its answer could no longer be delivered.
 */
@ProviderType
public interface CallContext {
    /** The method called, as {@code service.method}. */
    String method();

    /** The node's id for this call. */
    long callId();

    /** When the caller stops waiting, if the call has a deadline. */
    Optional<Instant> deadline();

    /** Whether the call has been cancelled; an answer sent afterwards is dropped. */
    boolean isCancelled();

    /**
     * Runs {@code action} once when the call is cancelled, at once if it already is. Actions run on
     * a client thread and should be quick.
     */
    void onCancel(Runnable action);
}
