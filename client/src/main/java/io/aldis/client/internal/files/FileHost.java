package io.aldis.client.internal.files;

import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Frame;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What file transfers need from the client they run in: sending frames, requests answered by id,
 * the session as it is now and the callback thread. Kept narrow so that transfers depend on no
 * other part of the client.
 */
public interface FileHost {
    /** Sends a frame nobody waits for; a failure to write it is reported to {@code onFailure}. */
    void send(Frame frame, Consumer<Throwable> onFailure);

    /** Sends a frame; the future completes once it is written (on the callback thread). */
    CompletableFuture<Void> sendTracked(Frame frame);

    /** A request id not in use by this client. */
    long nextRequestId();

    /** Sends a request and completes with its answer, or fails with the ERROR that answered it. */
    CompletableFuture<Frame> request(long requestId, Frame frame);

    /** The session as it is now; null while the client is not connected. */
    SessionInfo openSession();

    /** Whether the client may still get a session: connected, or about to (re)connect. */
    boolean mayConnect();

    /** The capabilities this client announced in CONNECT, as a mask. */
    long announcedCapabilities();

    /** Runs {@code task} on the client's callback thread, in order with frames and events. */
    void onCallbackThread(Runnable task);
}
