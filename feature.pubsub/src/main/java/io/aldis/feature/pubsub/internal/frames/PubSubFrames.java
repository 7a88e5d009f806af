package io.aldis.feature.pubsub.internal.frames;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Set;

/**
 * SUBSCRIBE, UNSUBSCRIBE and PUBLISH (capability {@code pubsub}), handled on the connection's
 * event loop: nothing here blocks, and keeping all three on one path keeps a session's
 * subscribe-then-publish in order.
 */
public final class PubSubFrames implements FrameHandler {
    private static final Set<FrameType> TYPES = Set.of(FrameType.SUBSCRIBE, FrameType.UNSUBSCRIBE, FrameType.PUBLISH);

    private final PubSubRequests requests;

    public PubSubFrames(PubSubRequests requests) {
        this.requests = requests;
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
            requests.publish(session, p);
        } else if (frame instanceof Subscribe s) {
            requests.subscribe(session, s);
        } else if (frame instanceof Unsubscribe u) {
            requests.unsubscribe(session, u);
        }
    }

    @Override
    public void sessionOpened(Session session) {
        requests.sessionOpened(session);
    }

    @Override
    public void sessionClosed(Session session) {
        requests.sessionClosed(session);
    }
}
