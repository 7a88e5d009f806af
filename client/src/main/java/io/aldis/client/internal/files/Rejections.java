package io.aldis.client.internal.files;

import io.aldis.client.FileTransferException;
import io.aldis.protocol.api.ErrorCode;
import java.util.OptionalLong;

/**
 * Turns UPLOAD_REJECT and DOWNLOAD_REJECT into failures a user understands: the protocol's code,
 * what it means for this transfer, and the node's reason and details.
 */
final class Rejections {
    private Rejections() {
    }

    /** An upload's rejection: a file too large is told with its size and the node's limit. */
    static FileTransferException ofUpload(int code, String reason, String details, long fileSize, long maxFileSize) {
        if (code == ErrorCode.FILE_TOO_LARGE.code() && maxFileSize > 0) {
            return withReason(code, "the file is " + fileSize + " bytes, above the node's limit of " + maxFileSize
                    + " bytes", reason, details);
        }
        return of(code, reason, details, "the node refused the upload");
    }

    static FileTransferException of(int code, String reason, String details, String what) {
        FileTransferException plain = new FileTransferException(code, "", details, null);
        String meaning = meaning(ErrorCode.of(code), plain.available(), plain.requested());
        return withReason(code, meaning == null ? what : meaning, reason, details);
    }

    private static FileTransferException withReason(int code, String meaning, String reason, String details) {
        String message = meaning;
        if (reason != null && !reason.isEmpty()) {
            message = message + " (the node says: " + reason + ")";
        }
        return new FileTransferException(code, message, details, null);
    }

    private static String meaning(ErrorCode code, OptionalLong available, OptionalLong requested) {
        if (code == null) {
            return null;
        }
        String amounts = available.isPresent() && requested.isPresent()
                ? ": " + available.getAsLong() + " bytes available, " + requested.getAsLong() + " requested" : "";
        return switch (code) {
            case FILE_TOO_LARGE -> "the file is larger than the node accepts (its maxFileSize)";
            case STORAGE_FULL -> "the node has no room for the file" + amounts;
            case QUOTA_EXCEEDED -> "the file would exceed your quota on the node" + amounts;
            case UPLOAD_REJECTED -> "the node's policy refused the upload";
            case UPLOAD_CONFLICT -> "the file under this name changed after the upload began (another upload "
                    + "published it, or it was removed or modified); nothing was stored";
            case DOWNLOAD_REJECTED -> "the node's policy refused the download";
            case FILE_NOT_FOUND_ON_SERVER -> "the node has no such file";
            case INVALID_FILE_NAME -> "the node does not accept this file name";
            case FORBIDDEN -> "you are not allowed to do this with this file";
            case CAPABILITY_UNAVAILABLE -> "the node cannot do this now (file transfer or LZ4 is not available)";
            default -> null;
        };
    }
}
