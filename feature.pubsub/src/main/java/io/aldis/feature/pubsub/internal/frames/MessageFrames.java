package io.aldis.feature.pubsub.internal.frames;

import io.aldis.feature.pubsub.internal.events.SessionEvents;
import io.aldis.feature.pubsub.internal.messages.MessageRouter;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Set;

/**
 * Typed MESSAGE frames (capability {@code messages}), handled on the node's workers since message
 * handlers may block briefly. It hears of sessions too, so that they are announced on
 * {@code $sys} when only typed messages are served.
 */
public final class MessageFrames implements FrameHandler {
    private static final Set<FrameType> TYPES = Set.of(FrameType.MESSAGE);

    private final MessageRouter router;
    private final SessionEvents sessions;

    public MessageFrames(MessageRouter router, SessionEvents sessions) {
        this.router = router;
        this.sessions = sessions;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return TYPES;
    }

    @Override
    public void handle(Session session, Frame frame) {
        router.onMessage(session, (Message) frame);
    }

    @Override
    public void sessionOpened(Session session) {
        sessions.opened(session);
    }

    @Override
    public void sessionClosed(Session session) {
        router.sessionClosed(session);
        sessions.closed(session);
    }
}
