package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a connection's pipeline: moves each frame the transport decoded to the part of the
 * session that deals with it (the handshake, the liveness answers, the close, the features), and
 * turns the channel's events (idleness, writability, the end of the connection) into the session's.
 * It keeps no protocol state of its own. Used on the event loop only.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {
    private final NodeSession session;
    private final Handshake handshake;
    private final FeatureDispatch dispatch;
    private final int heartbeatIntervalMillis;
    private final UnreadAnswers unread = new UnreadAnswers();
    private long pingNonce;

    public SessionHandler(SessionHost host, TransportConnection connection, NodeSettings settings) {
        this.session = new NodeSession(host, connection, settings);
        this.handshake = new Handshake(session, settings);
        this.dispatch = new FeatureDispatch(session);
        this.heartbeatIntervalMillis = settings.heartbeatIntervalMillis();
    }

    /** The session this handler feeds. */
    public NodeSession session() {
        return session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        context.pipeline().addBefore(context.name(), "aldis-peer-pause", session.peerPause());
        context.pipeline().addBefore("aldis-peer-pause", "aldis-unread-output", session.unreadOutput());
        session.host().registered(session);
        handshake.start();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        session.lifecycle(SessionState.CLOSED);
        handshake.stop();
        session.closing().connectionClosed();
        // Frames the peer sent before it went away were accepted: they still run, and the
        // features hear of the close only after them, as the last item of the session's queue.
        session.inbound().enqueueLast(() -> session.host().closed(session));
        super.channelInactive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        session.countIn();
        if (session.failed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Frame frame) {
            onFrame(context, frame);
        } else if (msg instanceof DecodeFailure failure) {
            if (failure.fatal()) {
                session.fail(0, failure.code(), failure.message());
            } else if (!unreadAnswersOverflow(context)) {
                session.sendError(0, failure.code(), failure.message());
            }
        } else {
            ReferenceCountUtil.release(msg);
            session.fail(0, ErrorCode.INTERNAL_ERROR, "transport delivered something that is not a frame");
        }
    }

    /**
     * Whether a frame the node answers by itself, now, comes from a peer that leaves too many such
     * answers unread (docs/protocol.md 4.6); such a peer is closed at once, without waiting for a
     * last ERROR it would not read either.
     */
    private boolean unreadAnswersOverflow(ChannelHandlerContext context) {
        if (!unread.answered(context.channel().isWritable())) {
            return false;
        }
        session.fail(0, ErrorCode.SLOW_CONSUMER, "more than " + UnreadAnswers.LIMIT
                + " PONGs and ERRORs are waiting for the client to read them");
        context.close();
        return true;
    }

    private void onFrame(ChannelHandlerContext context, Frame frame) {
        SessionState state = session.lifecycle();
        if (state == SessionState.CONNECTING && !handshake.connectReceived()) {
            // Nothing, not even a PING, is answered before CONNECT.
            handshake.onFirstFrame(frame);
            return;
        }
        if (state == SessionState.CONNECTING && !(frame instanceof Connect || frame instanceof Ping
                || frame instanceof Pong || frame instanceof Close || frame instanceof CloseAck)) {
            // CONNECT waits for its resume token's lookup: only liveness and close are taken meanwhile.
            session.fail(0, ErrorCode.UNEXPECTED_FRAME, "a " + frame.type() + " arrived before CONNECT_ACK;"
                    + " only PING and CLOSE may come before it");
            return;
        }
        if (frame instanceof Connect) {
            session.fail(0, ErrorCode.UNEXPECTED_FRAME, "CONNECT was already received on this connection");
            return;
        }
        // Liveness and close work in every state after CONNECT.
        if (frame instanceof Ping ping) {
            if (!unreadAnswersOverflow(context)) {
                session.send(new Pong(ping.nonce()));
            }
        } else if (frame instanceof Pong) {
            return;
        } else if (frame instanceof Close close) {
            handshake.stop();
            session.closing().fromPeer(close);
        } else if (frame instanceof CloseAck) {
            session.closing().peerAcknowledged();
        } else if (state == SessionState.AUTHENTICATING) {
            handshake.onAuthFrame(frame);
        } else if (state == SessionState.OPEN) {
            dispatch.dispatch(frame);
        }
        // Work that arrives after a close started is dropped; the peer was told to stop.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent idle)) {
            super.userEventTriggered(context, evt);
            return;
        }
        // Before CONNECT the node says nothing at all (section 4.1), and the peer has not been
        // told the interval: the auth timeout covers that time.
        if (session.lifecycle() == SessionState.CONNECTING) {
            return;
        }
        switch (idle.state()) {
            case WRITER_IDLE -> session.send(new Ping(++pingNonce));
            case READER_IDLE -> session.fail(0, ErrorCode.HEARTBEAT_TIMEOUT,
                    "nothing received for " + 2 * heartbeatIntervalMillis + " ms");
            default -> {
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (context.channel().isWritable()) {
            unread.drained();
            session.writableAgain();
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // TLS handshake failures, resets and the like: the connection is unusable, so just close it.
        NodeSession.LOG.log(System.Logger.Level.DEBUG, () -> "Closing session " + session.id() + ": " + cause);
        context.close();
    }
}
