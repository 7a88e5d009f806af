package io.aldis.protocol.api;

import java.util.Objects;

/**
 * STREAM_OPEN: opens a credit-controlled stream attached to an RPC call.
 *
 * @param streamId the stream id, unique on the connection
 * @param callId the call the stream belongs to
 * @param direction which way items flow
 * @param creditMode what one unit of credit stands for
 * @param initialCredit the credit the receiver grants up front
 * @param metadata a JSON object with stream metadata, or the empty string
 */
public record StreamOpen(long streamId, long callId, StreamDirection direction, CreditMode creditMode,
        int initialCredit, String metadata) implements Frame {
    public StreamOpen {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(creditMode, "creditMode");
        metadata = metadata == null ? "" : metadata;
    }

    @Override
    public FrameType type() {
        return FrameType.STREAM_OPEN;
    }
}
