package io.aldis.protocol.api;

/**
 * RPC_CANCEL: the caller no longer wants the result of a call.
 *
 * @param callId the call to cancel
 */
public record RpcCancel(long callId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.RPC_CANCEL;
    }
}
