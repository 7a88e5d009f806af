package io.aldis.protocol.api;

import java.util.Objects;

/**
 * RPC_REQUEST: a call of a remote method.
 *
 * @param callId chosen by the caller, unique among its calls in flight
 * @param timeoutMillis the deadline in milliseconds from receipt, 0 for none
 * @param method the method as {@code service.method}
 * @param params the parameters as UTF-8 JSON
 */
public record RpcRequest(long callId, int timeoutMillis, String method, byte[] params) implements Frame {
    public RpcRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(params, "params");
    }

    @Override
    public FrameType type() {
        return FrameType.RPC_REQUEST;
    }
}
