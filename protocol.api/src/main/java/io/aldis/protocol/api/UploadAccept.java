package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * UPLOAD_ACCEPT: the node accepts an upload.
 *
 * @param requestId the request answered
 * @param transferId identifies the transfer from now on
 * @param chunkSize the chunk size to use, in bytes
 * @param window how many chunks may be unacknowledged at once (u16)
 */
public record UploadAccept(long requestId, UUID transferId, int chunkSize, int window) implements Frame {
    public UploadAccept {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_ACCEPT;
    }
}
