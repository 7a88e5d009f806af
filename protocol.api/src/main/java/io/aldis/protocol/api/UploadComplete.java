package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * UPLOAD_COMPLETE: the client has sent every chunk and had each acknowledged.
 *
 * @param transferId the transfer
 * @param fileHash the SHA-256 of the whole file as the client read it while sending, 32 bytes
 */
public record UploadComplete(UUID transferId, byte[] fileHash) implements Frame {
    public UploadComplete {
        Objects.requireNonNull(transferId, "transferId");
        fileHash = Fields.sha256(fileHash, "fileHash");
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_COMPLETE;
    }
}
