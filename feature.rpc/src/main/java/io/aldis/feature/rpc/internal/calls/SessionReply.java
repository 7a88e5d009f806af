package io.aldis.feature.rpc.internal.calls;

import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;

/** Answers a session's call with RPC_RESPONSE or RPC_ERROR; nothing is sent once the session is closed. */
public record SessionReply(Session session) implements CallReply {
    @Override
    public void result(long callId, byte[] json) {
        if (session.state() != SessionState.CLOSED) {
            session.send(new RpcResponse(callId, json));
        }
    }

    @Override
    public void error(long callId, int code, String message, String details) {
        if (session.state() != SessionState.CLOSED) {
            session.send(new RpcError(callId, code, message, details));
        }
    }
}
