package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.AuthThrottle;
import io.aldis.node.core.internal.ResumeTokens;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.node.FrameHandler;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What a session needs from the node that runs it: the node-wide authentication machinery, the
 * features registered right now, the shared workers, and where to report the session's life.
 * All methods are thread-safe.
 */
public interface SessionHost {
    /** The mechanisms registered right now, in the node's order of preference. */
    List<AuthenticationMechanism> mechanisms();

    /** The node's resume tokens. */
    ResumeTokens tokens();

    /** The node's authentication throttle, shared by every connection. */
    AuthThrottle throttle();

    /** The clock the throttle and the tokens read. */
    Clock clock();

    /** The capability mask the node offers right now. */
    long capabilities();

    /**
     * The NODE_ADDRESSES frame a session whose client announced {@code clientCapabilities} gets
     * once authenticated, or null when it gets none. Called on the session's event loop.
     */
    default NodeAddresses clientAddresses(long clientCapabilities) {
        return null;
    }

    /** The feature handler serving {@code type} right now, or null. */
    FrameHandler handlerFor(FrameType type);

    /** Every feature handler registered right now. */
    Collection<FrameHandler> handlers();

    /** The workers that run sessions' queued frames. */
    Executor workers();

    /** A new connection's session exists; it is not authenticated yet. */
    void registered(NodeSession session);

    /**
     * {@code successor} resumed with {@code token}: every other session still open with that token
     * is ended. The stage completes once the features heard of their ends, so that what they kept
     * of those sessions is ready for the successor before it opens.
     */
    CompletableFuture<Void> supersede(NodeSession successor, String token);

    /** The session is authenticated (or resumed): the features may now hold state for it. */
    void opened(NodeSession session);

    /** The session ended and its last queued frame ran; the features hear of it after they heard of its opening. */
    void closed(NodeSession session);
}
