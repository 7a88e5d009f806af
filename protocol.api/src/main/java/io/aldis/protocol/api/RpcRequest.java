package io.aldis.protocol.api;

import java.util.Objects;

/**
 * RPC_REQUEST: a call of a remote method.
 *
 * @param streams whether the caller takes streams on this call (flag bit 0, STREAMS): the callee
 *        may then open a stream for a streaming result or parameter instead of batching it
 * @param callId chosen by the caller, unique among its calls in flight
 * @param timeoutMillis the deadline in milliseconds from receipt, 0 for none
 * @param method the method as {@code service.method}
 * @param params the parameters as UTF-8 JSON
 */
public record RpcRequest(boolean streams, long callId, int timeoutMillis, String method, byte[] params)
        implements Frame {
    /** Flag bit 0: the caller takes streams on this call (docs/protocol.md 6.4). */
    public static final int FLAG_STREAMS = 0x01;

    public RpcRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(params, "params");
    }

    /** A call that takes no streams: streaming results and parameters come as JSON arrays. */
    public RpcRequest(long callId, int timeoutMillis, String method, byte[] params) {
        this(false, callId, timeoutMillis, method, params);
    }

    @Override
    public FrameType type() {
        return FrameType.RPC_REQUEST;
    }
}
