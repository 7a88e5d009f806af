package io.aldis.feature.rpc.internal.frames;

import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.spi.node.Session;
import java.util.concurrent.CompletionStage;

/**
 * What the RPC feature does for each frame and session event {@link RpcFrameHandler} receives.
 * Each method is called as the matching {@link io.aldis.protocol.api.spi.node.FrameHandler} method
 * is (on the session's event loop), and none may block.
 */
public interface RpcOperations {
    /** RPC_REQUEST from a caller. */
    void call(Session session, RpcRequest request);

    /** RPC_CANCEL from a caller. */
    void cancel(Session session, RpcCancel cancel);

    /** RPC_RESPONSE from a client provider, to a call the node forwarded to it. */
    void answer(Session session, RpcResponse response);

    /** RPC_ERROR from a client provider, to a call the node forwarded to it. */
    void refuse(Session session, RpcError error);

    /** SERVICE_PROVIDE. */
    void provide(Session session, ServiceProvide provide);

    /** SERVICE_WITHDRAW. */
    void withdraw(Session session, ServiceWithdraw withdraw);

    /** A session opened, or this feature came back while it was open. */
    void sessionOpened(Session session);

    /** The session's peer asked to close: completes once its calls are answered. */
    CompletionStage<?> sessionClosing(Session session);

    /** The session is gone. */
    void sessionClosed(Session session);
}
