package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The graceful close of a session (docs/protocol.md section 4.8). When the client sends CLOSE, new
 * work is refused, the queued frames run, every feature finishes its work in flight, and only then
 * does CLOSE_ACK go out and the connection close; the close timeout bounds the wait. When the node
 * closes (an operator's kill, a shutdown), it sends CLOSE and closes on the client's CLOSE_ACK or at
 * the timeout. Used on the event loop only; what runs elsewhere (the features' stages, the openings'
 * end) only posts tasks to it.
 */
final class GracefulClose {
    private final NodeSession session;
    private final SessionHost host;
    private final long timeoutMillis;
    private ScheduledFuture<?> timeout;
    /** Features still finish work of the session. */
    private boolean featuresBusy;
    /** The client asked to close and has not been answered yet. */
    private boolean ackWhenDone;
    /** CLOSE_ACK went out. */
    private boolean acked;

    GracefulClose(NodeSession session, SessionHost host, long timeoutMillis) {
        this.session = session;
        this.host = host;
        this.timeoutMillis = timeoutMillis;
    }

    /** The client sent CLOSE. */
    void fromPeer(Close close) {
        if (close.code() == 0 && session.user() != null) {
            // A normal close by the client is a logout: its resume token has no further use.
            session.revokeToken();
        }
        SessionState now = session.lifecycle();
        if (now == SessionState.CLOSING || now == SessionState.CLOSED) {
            // Both sides closed at once: our CLOSE is answered too, so finish now.
            acknowledge();
            return;
        }
        session.lifecycle(SessionState.CLOSING);
        ackWhenDone = true;
        InboundWork inbound = session.inbound();
        inbound.whenEmpty(this::acknowledgeIfDone);
        // A client that closes reads until CLOSE_ACK, and the answers it paused must come before it (4.8).
        session.peerPause().resume();
        // The features are asked what they still do for the session once they heard of its
        // opening, which they hear on the workers: a resumed session's parked calls are theirs only then.
        featuresBusy = true;
        if (session.notices().openingsTold(() -> onLoop(this::askFeaturesLater))) {
            askFeatures();
        }
        timeout = session.channel().eventLoop().schedule(this::acknowledge, timeoutMillis, TimeUnit.MILLISECONDS);
        if (inbound.queued() == 0 && !featuresBusy) {
            // Not right here: an answer another thread sent just before its feature reported the
            // session idle is a task queued on this loop, and it must go out before the CLOSE_ACK.
            session.channel().eventLoop().execute(this::acknowledgeIfDone);
        }
    }

    /** The client answered the node's CLOSE. */
    void peerAcknowledged() {
        if (session.lifecycle() == SessionState.CLOSING) {
            session.channel().close();
        }
    }

    /** The node closes the session: CLOSE with the code, then close on CLOSE_ACK or at the timeout. */
    void fromNode(ErrorCode code, String message) {
        SessionState now = session.lifecycle();
        if (now == SessionState.CLOSING || now == SessionState.CLOSED) {
            return;
        }
        session.lifecycle(SessionState.CLOSING);
        session.send(new Close(code.code(), message));
        // Reading must go on to see the CLOSE_ACK, even if the session was paused.
        session.reading().readForClose();
        timeout = session.channel().eventLoop().schedule(() -> {
            session.channel().close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The connection is gone: nothing is waited for any more. */
    void connectionClosed() {
        ackWhenDone = false;
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /**
     * Tells the features the peer is closing, unless the session ended meanwhile (the features
     * then hear of its end instead); {@link #featuresBusy} until they finished their work in flight.
     */
    private void askFeatures() {
        if (acked || session.lifecycle() == SessionState.CLOSED) {
            featuresBusy = false;
            return;
        }
        CompletableFuture<?> featuresDone = featuresClosing();
        if (featuresDone.isDone()) {
            featuresBusy = false;
            return;
        }
        featuresDone.whenComplete((done, error) -> onLoop(() -> {
            featuresBusy = false;
            acknowledgeIfDone();
        }));
    }

    /** {@link #askFeatures} once the openings were told, in a task of the event loop of its own. */
    private void askFeaturesLater() {
        askFeatures();
        if (!featuresBusy) {
            // As in fromPeer: answers queued on the loop meanwhile go out before the CLOSE_ACK.
            onLoop(this::acknowledgeIfDone);
        }
    }

    private void onLoop(Runnable task) {
        try {
            session.channel().eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node stops: its connections close without CLOSE_ACK
        }
    }

    /** Tells every feature the peer is closing; completes when all of them finished their work in flight. */
    private CompletableFuture<?> featuresClosing() {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (FrameHandler handler : host.handlers()) {
            try {
                CompletableFuture<?> stage = handler.sessionClosing(session).toCompletableFuture();
                if (!stage.isDone()) {
                    pending.add(stage);
                }
            } catch (RuntimeException e) {
                NodeSession.LOG.log(System.Logger.Level.WARNING,
                        "A feature failed while session " + session.id() + " was closing", e);
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    private void acknowledgeIfDone() {
        if (ackWhenDone && session.inbound().queued() == 0 && !featuresBusy) {
            acknowledge();
        }
    }

    private void acknowledge() {
        if (acked) {
            return;
        }
        acked = true;
        ackWhenDone = false;
        session.inbound().whenEmpty(null);
        connectionClosed();
        session.sendAndClose(CloseAck.INSTANCE);
    }
}
