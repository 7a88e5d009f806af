package io.aldis.protocol.api.spi.node;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service through which a feature bundle serves frame types on authenticated
 * sessions. The core dispatches every frame of the declared types to the handler, on a worker
 * thread, in arrival order per session; while it is registered, the capabilities named in the
 * {@value #CAPABILITY} service property are announced in CONNECT_ACK. When the handler's bundle
 * stops, its frame types are answered with {@code CAPABILITY_UNAVAILABLE} again.
 */
@ConsumerType
public interface FrameHandler {
    /** Service property: the capability names (see {@link io.aldis.protocol.api.Capability}) this handler provides. */
    String CAPABILITY = "aldis.capability";

    /** The frame types this handler serves. */
    Set<FrameType> frameTypes();

    /** Handles one frame of a session. Runs off the event loop; may block briefly. */
    void handle(Session session, Frame frame) throws Exception;

    /**
     * Whether {@link #handle} never blocks. The core then calls it directly on the connection's
     * event loop, with no queueing and no thread hop: the path for high-rate frames such as
     * PUBLISH. Order is kept per session and handler; a non-blocking handler that has slow work
     * to do must hand it off itself.
     */
    default boolean nonBlocking() {
        return false;
    }

    /**
     * A session finished authenticating (or resumed with its token), or this handler was
     * registered while the session was already open. In the second case the handler sets up again
     * what the session {@linkplain Session#kept kept} for its capabilities, without answering the
     * kept requests a second time: this is how a feature that was updated, refreshed or
     * reinstalled gives clients back their subscriptions and services. For a new session it is
     * called on a worker thread, and frames of the session may reach {@link #handle} before or
     * after it. For the sessions open when the handler is registered it is called on the
     * registering thread before the handler gets any frame, and the sessions are told of the
     * capability change only after it returned for all of them. A session that opens while the
     * handler is being registered may be told twice, so the handler restores idempotently.
     */
    default void sessionOpened(Session session) {
    }

    /**
     * The peer asked to close the session: the core accepts no new work frames from it. It answers
     * CLOSE_ACK and closes once the session's queued frames ran and the stages returned by every
     * handler completed, or when the node's close timeout passes, whichever comes first. A handler
     * with work in flight for the session (calls whose answers must still go out) returns a stage
     * that completes once those answers were sent. Called on the event loop; must not block.
     * Called only after every {@link #sessionOpened} told of the session so far returned (what a
     * resumed session kept is then the handler's), and not at all if the session ended or the
     * close timeout passed before that.
     */
    default CompletionStage<?> sessionClosing(Session session) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The session ended; release whatever the handler holds for it. A handler told of the
     * session's opening hears of its end only after {@link #sessionOpened} returned, so what the
     * opening set up for the session is released too; and it is not told of the opening after
     * the end. Called on a worker thread, or on the thread that registers a handler or stops the
     * node when the session ended meanwhile.
     */
    default void sessionClosed(Session session) {
    }
}
