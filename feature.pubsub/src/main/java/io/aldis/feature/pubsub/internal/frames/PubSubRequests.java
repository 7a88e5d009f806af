package io.aldis.feature.pubsub.internal.frames;

import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.node.Session;

/** What {@link PubSubFrames} hands each frame and session event to. */
public interface PubSubRequests {
    void subscribe(Session session, Subscribe frame);

    void unsubscribe(Session session, Unsubscribe frame);

    /** Called on the session's event loop; must not block. */
    void publish(Session session, Publish frame);

    /** The session authenticated, or the feature registered while it was open: what it kept comes back. */
    void sessionOpened(Session session);

    /** The session ended. */
    void sessionClosed(Session session);
}
