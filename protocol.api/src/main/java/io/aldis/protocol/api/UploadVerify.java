package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * UPLOAD_VERIFY: the node's verdict on a completed upload.
 *
 * @param verified whether the stored file's SHA-256 equals the announced one (flag bit 0, VERIFIED)
 * @param transferId the transfer
 * @param computedHash the SHA-256 the node computed, 32 bytes
 * @param storedName the name the file was published under, or the empty string if not verified
 */
public record UploadVerify(boolean verified, UUID transferId, byte[] computedHash, String storedName)
        implements Frame {
    /** Flag bit 0: the hash matched and the file is published. */
    public static final int FLAG_VERIFIED = 0x01;

    public UploadVerify {
        Objects.requireNonNull(transferId, "transferId");
        computedHash = Fields.sha256(computedHash, "computedHash");
        storedName = storedName == null ? "" : storedName;
    }

    @Override
    public FrameType type() {
        return FrameType.UPLOAD_VERIFY;
    }
}
