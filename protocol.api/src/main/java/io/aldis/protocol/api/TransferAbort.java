package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * TRANSFER_ABORT: either side ends a transfer in flight (docs/protocol.md 6.5.6).
 *
 * @param resumable whether the transfer stays at its checkpoint and may be resumed (flag bit 0, RESUMABLE)
 * @param transferId the transfer
 * @param code why, an error code of section 8
 * @param reason a human-readable reason
 * @param details optional JSON object, empty when absent
 */
public record TransferAbort(boolean resumable, UUID transferId, int code, String reason, String details)
        implements Frame {
    /** Flag bit 0: the transfer is kept at its checkpoint. */
    public static final int FLAG_RESUMABLE = 0x01;

    public TransferAbort {
        Objects.requireNonNull(transferId, "transferId");
        reason = reason == null ? "" : reason;
        details = details == null ? "" : details;
    }

    @Override
    public FrameType type() {
        return FrameType.TRANSFER_ABORT;
    }
}
