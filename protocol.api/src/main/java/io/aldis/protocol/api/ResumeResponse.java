package io.aldis.protocol.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * RESUME_RESPONSE: whether and where an interrupted transfer continues.
 *
 * @param requestId the request answered
 * @param transferId the transfer
 * @param status whether the transfer can continue
 * @param totalChunks how many chunks the file has; 0 unless resumable
 * @param chunkSize the transfer's chunk size; 0 unless resumable
 * @param window how many chunks may be unacknowledged at once from now on (u16); 0 unless resumable
 * @param chunksReceived the chunks the receiver has stored
 * @param chunksMissing the chunks still to send
 */
public record ResumeResponse(long requestId, UUID transferId, ResumeStatus status, int totalChunks, int chunkSize,
        int window, List<ChunkRange> chunksReceived, List<ChunkRange> chunksMissing) implements Frame {
    public ResumeResponse {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(status, "status");
        chunksReceived = List.copyOf(chunksReceived);
        chunksMissing = List.copyOf(chunksMissing);
    }

    @Override
    public FrameType type() {
        return FrameType.RESUME_RESPONSE;
    }
}
