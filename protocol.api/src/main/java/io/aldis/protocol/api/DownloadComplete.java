package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * DOWNLOAD_COMPLETE: the node has sent every chunk and had each acknowledged.
 *
 * @param transferId the transfer
 */
public record DownloadComplete(UUID transferId) implements Frame {
    public DownloadComplete {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.DOWNLOAD_COMPLETE;
    }
}
