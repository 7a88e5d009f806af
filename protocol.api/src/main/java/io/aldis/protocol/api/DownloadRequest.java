package io.aldis.protocol.api;

import java.util.Objects;

/**
 * DOWNLOAD_REQUEST: the client asks for a file stored on the node.
 *
 * @param requestId answered by DOWNLOAD_ACCEPT or DOWNLOAD_REJECT
 * @param fileName the file name, relative to the user's storage area
 * @param chunkSize the chunk size wanted in bytes, 0 for the node's default
 * @param compression the compression the client accepts
 */
public record DownloadRequest(long requestId, String fileName, int chunkSize, Compression compression)
        implements Frame {
    public DownloadRequest {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(compression, "compression");
    }

    @Override
    public FrameType type() {
        return FrameType.DOWNLOAD_REQUEST;
    }
}
