package io.aldis.protocol.api;

import java.util.Objects;

/**
 * UPLOAD_REJECT: the node refuses an upload.
 *
 * @param requestId the request answered
 * @param code an {@link ErrorCode} value
 * @param reason a human-readable reason
 * @param details a JSON object with details, or the empty string
 */
public record UploadReject(long requestId, int code, String reason, String details) implements Frame {
    public UploadReject {
        Objects.requireNonNull(reason, "reason");
        details = details == null ? "" : details;
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_REJECT;
    }
}
