package io.aldis.feature.rpc.internal.frames;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The RPC feature's handler in the node: takes the RPC frame types and hands each frame, and each
 * session event, to the matching {@link RpcOperations} step. It never blocks: every step only
 * checks, registers and hands work on, so a slow method never holds up a session's other frames
 * (a cancel, say).
 */
public final class RpcFrameHandler implements FrameHandler {
    private static final Set<FrameType> FRAME_TYPES = EnumSet.of(FrameType.RPC_REQUEST, FrameType.RPC_RESPONSE,
            FrameType.RPC_ERROR, FrameType.RPC_CANCEL, FrameType.SERVICE_PROVIDE, FrameType.SERVICE_WITHDRAW);

    private final RpcOperations operations;

    public RpcFrameHandler(RpcOperations operations) {
        this.operations = operations;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return FRAME_TYPES;
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public void handle(Session session, Frame frame) {
        if (frame instanceof RpcRequest request) {
            operations.call(session, request);
        } else if (frame instanceof RpcCancel cancel) {
            operations.cancel(session, cancel);
        } else if (frame instanceof RpcResponse response) {
            operations.answer(session, response);
        } else if (frame instanceof RpcError error) {
            operations.refuse(session, error);
        } else if (frame instanceof ServiceProvide provide) {
            operations.provide(session, provide);
        } else if (frame instanceof ServiceWithdraw withdraw) {
            operations.withdraw(session, withdraw);
        }
    }

    @Override
    public void sessionOpened(Session session) {
        operations.sessionOpened(session);
    }

    @Override
    public CompletionStage<?> sessionClosing(Session session) {
        return operations.sessionClosing(session);
    }

    @Override
    public void sessionClosed(Session session) {
        operations.sessionClosed(session);
    }
}
