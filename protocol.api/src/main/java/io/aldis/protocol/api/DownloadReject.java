package io.aldis.protocol.api;

import java.util.Objects;

/**
 * DOWNLOAD_REJECT: the node refuses a download.
 *
 * @param requestId the request answered
 * @param code an {@link ErrorCode} value
 * @param reason a human-readable reason
 * @param details a JSON object with details, or the empty string
 */
public record DownloadReject(long requestId, int code, String reason, String details) implements Frame {
    public DownloadReject {
        Objects.requireNonNull(reason, "reason");
        details = details == null ? "" : details;
    }

    @Override
    public FrameType type() {
        return FrameType.DOWNLOAD_REJECT;
    }
}
