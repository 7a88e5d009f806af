package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * DOWNLOAD_ACCEPT: the node starts sending a file.
 *
 * @param requestId the request answered
 * @param transferId identifies the transfer from now on
 * @param fileSize the file size in bytes
 * @param fileHash the SHA-256 of the whole file, 32 bytes
 * @param chunkCount how many chunks the node will send
 * @param chunkSize the size of every chunk but the last, in bytes
 * @param compression how the node will compress chunks
 * @param window how many chunks the node sends before it waits for their CHUNK_ACKs (u16)
 */
public record DownloadAccept(long requestId, UUID transferId, long fileSize, byte[] fileHash, int chunkCount,
        int chunkSize, Compression compression, int window) implements Frame {
    public DownloadAccept {
        Objects.requireNonNull(transferId, "transferId");
        fileHash = Fields.sha256(fileHash, "fileHash");
        Objects.requireNonNull(compression, "compression");
    }

    @Override
    public FrameType type() {
        return FrameType.DOWNLOAD_ACCEPT;
    }
}
