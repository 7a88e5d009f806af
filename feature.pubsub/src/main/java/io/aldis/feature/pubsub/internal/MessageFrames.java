package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Set;

/** Typed MESSAGE frames, handled on the node's workers since message handlers may block briefly. */
public final class MessageFrames implements FrameHandler {
    private final PubSubEngine engine;
    private final MessageRouter router;

    MessageFrames(PubSubEngine engine, MessageRouter router) {
        this.engine = engine;
        this.router = router;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return Set.of(FrameType.MESSAGE);
    }

    @Override
    public void handle(Session session, Frame frame) {
        router.onMessage(session, (Message) frame);
    }

    @Override
    public void sessionClosed(Session session) {
        // The pub/sub handler does the clean-up when both are registered; this covers the case
        // where only typed messages are served.
        engine.sessionClosed(session);
    }
}
