package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * UPLOAD_COMPLETE: the client has sent every chunk and had each acknowledged.
 *
 * @param transferId the transfer
 */
public record UploadComplete(UUID transferId) implements Frame {
    public UploadComplete {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_COMPLETE;
    }
}
