package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Set;

/**
 * SUBSCRIBE, UNSUBSCRIBE and PUBLISH, handled on the connection's event loop: nothing here
 * blocks, and keeping all three on one path keeps a session's subscribe-then-publish in order.
 */
public final class PubSubFrames implements FrameHandler {
    private static final Set<FrameType> TYPES = Set.of(FrameType.SUBSCRIBE, FrameType.UNSUBSCRIBE, FrameType.PUBLISH);

    private final PubSubEngine engine;

    PubSubFrames(PubSubEngine engine) {
        this.engine = engine;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return TYPES;
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public void handle(Session session, Frame frame) {
        if (frame instanceof Publish p) {
            engine.onPublish(session, p);
        } else if (frame instanceof Subscribe s) {
            engine.onSubscribe(session, s);
        } else if (frame instanceof Unsubscribe u) {
            engine.onUnsubscribe(session, u);
        }
    }

    /** A session opened, or this feature came back while it was open: its kept subscriptions return. */
    @Override
    public void sessionOpened(Session session) {
        engine.restore(session);
    }

    @Override
    public void sessionClosed(Session session) {
        engine.sessionClosed(session);
    }
}
