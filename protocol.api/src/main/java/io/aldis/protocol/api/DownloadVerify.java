package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * DOWNLOAD_VERIFY: the client's verdict on a completed download.
 *
 * @param verified whether the received file's SHA-256 equals the announced one (flag bit 0, VERIFIED)
 * @param transferId the transfer
 */
public record DownloadVerify(boolean verified, UUID transferId) implements Frame {
    /** Flag bit 0: the hash matched. */
    public static final int FLAG_VERIFIED = 0x01;

    public DownloadVerify {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.DOWNLOAD_VERIFY;
    }
}
