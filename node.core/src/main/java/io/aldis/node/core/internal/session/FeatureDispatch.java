package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Requests;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.spi.node.FrameHandler;

/**
 * Where an authenticated session's frames go (docs/protocol.md sections 4.2 and 4.7): a frame of a
 * family the client did not announce, or that no installed feature serves, is refused with
 * {@code CAPABILITY_UNAVAILABLE}; the client's PAUSE and RESUME go to its pause gate; everything
 * else goes to the feature serving its type, directly on the event loop for a non-blocking
 * handler and through the session's inbound work otherwise. Used on the event loop only, once
 * per frame: it allocates nothing but the task of a queued frame.
 */
final class FeatureDispatch {
    private final NodeSession session;
    private final SessionHost host;

    FeatureDispatch(NodeSession session) {
        this.session = session;
        this.host = session.host();
    }

    void dispatch(Frame frame) {
        Capability family = FrameFamilies.of(frame.type());
        if (family != null && (session.clientCapabilities() & family.mask()) == 0) {
            session.sendError(Requests.idOf(frame), ErrorCode.CAPABILITY_UNAVAILABLE, frame.type()
                    + " belongs to the capability " + family + ", which this client did not announce in CONNECT");
            return;
        }
        if (frame instanceof Pause) {
            session.peerPause().pause();
            return;
        }
        if (frame instanceof Resume) {
            session.peerPause().resume();
            return;
        }
        if (frame.type() == FrameType.AUTH_START || frame.type() == FrameType.AUTH_RESPONSE) {
            session.fail(0, ErrorCode.UNEXPECTED_FRAME, frame.type() + " after the session was authenticated");
            return;
        }
        FrameHandler handler = host.handlerFor(frame.type());
        if (handler == null) {
            session.sendError(Requests.idOf(frame), ErrorCode.CAPABILITY_UNAVAILABLE,
                    "no installed feature serves " + frame.type() + " frames");
            return;
        }
        if (handler.nonBlocking()) {
            handle(handler, frame);
            return;
        }
        session.inbound().enqueue(() -> handle(handler, frame));
    }

    private void handle(FrameHandler handler, Frame frame) {
        try {
            handler.handle(session, frame);
        } catch (Exception e) {
            NodeSession.LOG.log(System.Logger.Level.WARNING,
                    "Feature handler failed on " + frame.type() + " in session " + session.id(), e);
            session.sendError(0, ErrorCode.INTERNAL_ERROR, "the node failed to handle a " + frame.type() + " frame");
        }
    }
}
