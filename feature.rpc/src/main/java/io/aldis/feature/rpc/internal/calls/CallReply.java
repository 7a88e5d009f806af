package io.aldis.feature.rpc.internal.calls;

/** Where the answer of a call goes: a session's RPC_RESPONSE or RPC_ERROR, or a future for calls made inside the node. */
public interface CallReply {
    void result(long callId, byte[] json);

    void error(long callId, int code, String message, String details);
}
