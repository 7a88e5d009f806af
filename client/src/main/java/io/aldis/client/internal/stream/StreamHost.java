package io.aldis.client.internal.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.stream.SizeFunction;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the streams of calls need from the client they run in: sending frames, call ids, the
 * session as it is now, timers, the JSON mapping and the application's size functions. Kept
 * narrow so that streams depend on no other part of the client.
 */
public interface StreamHost {
    /** Sends a frame; a failure to write it means the connection is going, which ends the call anyway. */
    void send(Frame frame);

    /** Sends a frame and reports a failure to write it to {@code onFailure}. */
    void send(Frame frame, Consumer<Throwable> onFailure);

    /**
     * The connection frames go out on now, as an identity to compare, or null while the client is not
     * connected: a call belongs to the connection it was sent on, and ends when that one is lost.
     */
    Object connection();

    /** A call id not in use by this client. */
    long nextCallId();

    /** The session as it is now; null when the client is not connected. */
    SessionInfo openSession();

    /** Whether this client announced {@code STREAMS} in its CONNECT. */
    boolean announcedStreams();

    /** The timeout of calls whose options set none. */
    Duration defaultTimeout();

    /** Runs {@code task} on the client's callback thread after {@code millis}; null when the client is closed. */
    io.netty.util.Timeout schedule(Runnable task, long millis);

    /**
     * A new executor for the deliveries of one streamed result, in order, beside the client's
     * callback thread (or on it, when the application's callback executor runs tasks in place).
     */
    Executor streamDelivery();

    /**
     * Whether the client waits for answers on its connection now, so that streamed results keep to
     * a share of their window (docs/protocol.md 6.4.3, rule 7).
     */
    boolean sharingConnection();

    /** The client's JSON mapping for parameters, results and items. */
    ObjectMapper mapper();

    /** The size function the application registered under {@code name}, or null. */
    SizeFunction sizeFunction(String name);

    /**
     * A future for an answer the client hands in on its callbacks; the client's own refuses a wait
     * on it from a callback, where it could never end.
     */
    default <T> java.util.concurrent.CompletableFuture<T> newFuture() {
        return new java.util.concurrent.CompletableFuture<>();
    }
}
