package io.aldis.protocol.api;

import java.util.Objects;

/**
 * UPLOAD_REQUEST: the client asks to store a file on the node.
 *
 * @param requestId answered by UPLOAD_ACCEPT or UPLOAD_REJECT
 * @param fileName the file name, relative to the user's storage area
 * @param fileSize the file size in bytes
 * @param fileHash the SHA-256 of the whole file, 32 bytes
 * @param chunkCount how many chunks the client will send
 * @param chunkSize the size of every chunk but the last, in bytes
 * @param compression how the client will compress chunks
 * @param metadata a JSON object with file metadata, or the empty string
 */
public record UploadRequest(long requestId, String fileName, long fileSize, byte[] fileHash, int chunkCount,
        int chunkSize, Compression compression, String metadata) implements Frame {
    public UploadRequest {
        Objects.requireNonNull(fileName, "fileName");
        fileHash = Fields.sha256(fileHash, "fileHash");
        Objects.requireNonNull(compression, "compression");
        metadata = metadata == null ? "" : metadata;
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_REQUEST;
    }
}
