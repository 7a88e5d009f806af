package io.aldis.protocol.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * RESUME_REQUEST: after a reconnect, a peer asks to continue an interrupted transfer.
 *
 * @param requestId answered by RESUME_RESPONSE
 * @param transferId the interrupted transfer
 * @param direction whether it was an upload or a download
 * @param fileHash the SHA-256 of the whole file as announced when the transfer began
 * @param chunksHeld the chunks the client already holds (downloads) or believes sent (uploads)
 */
public record ResumeRequest(long requestId, UUID transferId, TransferDirection direction, byte[] fileHash,
        List<ChunkRange> chunksHeld) implements Frame {
    public ResumeRequest {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(direction, "direction");
        fileHash = Fields.sha256(fileHash, "fileHash");
        chunksHeld = List.copyOf(chunksHeld);
    }

    @Override
    public FrameType type() {
        return FrameType.RESUME_REQUEST;
    }
}
