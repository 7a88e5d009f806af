package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Requests;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A feature that answers each request with an ACK and records what it saw. */
final class RecordingFeature implements FrameHandler {
    private final Set<FrameType> types;
    private final boolean nonBlocking;
    final List<Frame> handled = new ArrayList<>();
    final List<SessionState> statesSeen = new ArrayList<>();
    /** What {@link #sessionClosing} returns; completed unless the test replaces it. */
    CompletableFuture<Void> closingDone = CompletableFuture.completedFuture(null);
    /** Runs when the feature is asked what it still does for a closing session. */
    Runnable onClosing = () -> { };
    /** How often the feature was asked that. */
    int closingAsked;

    RecordingFeature(boolean nonBlocking, FrameType... types) {
        this.nonBlocking = nonBlocking;
        this.types = Set.of(types);
    }

    @Override
    public Set<FrameType> frameTypes() {
        return types;
    }

    @Override
    public boolean nonBlocking() {
        return nonBlocking;
    }

    @Override
    public void handle(Session session, Frame frame) {
        handled.add(frame);
        statesSeen.add(session.state());
        session.send(new Ack(Requests.idOf(frame), ""));
    }

    @Override
    public CompletionStage<?> sessionClosing(Session session) {
        closingAsked++;
        onClosing.run();
        return closingDone;
    }
}
