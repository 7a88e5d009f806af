package io.aldis.feature.rpc.internal.calls;

import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.stream.CallStream;

/**
 * Answers a call that has a stream on that stream, which sends the answer after its own frames and
 * keeps it while the caller may still resume the stream (docs/protocol.md 6.4.7): the stream of a
 * call to an OSGi service, and the caller's stream of a call relayed to a client provider.
 */
public record StreamReply(CallStream stream) implements CallReply {
    @Override
    public void result(long callId, byte[] json) {
        stream.answer(new RpcResponse(callId, json));
    }

    @Override
    public void error(long callId, int code, String message, String details) {
        stream.answer(new RpcError(callId, code, message, details));
    }
}
