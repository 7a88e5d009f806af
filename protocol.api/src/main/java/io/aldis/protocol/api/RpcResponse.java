package io.aldis.protocol.api;

import java.util.Objects;

/**
 * RPC_RESPONSE: the successful result of a call.
 *
 * @param callId the call answered
 * @param result the result as UTF-8 JSON
 */
public record RpcResponse(long callId, byte[] result) implements Frame {
    public RpcResponse {
        Objects.requireNonNull(result, "result");
    }

    @Override
    public FrameType type() {
        return FrameType.RPC_RESPONSE;
    }
}
