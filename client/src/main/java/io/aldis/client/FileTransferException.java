package io.aldis.client;

import io.aldis.protocol.api.ErrorCode;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file transfer, listing or removal that failed, with the protocol's code (for example
 * {@code FILE_TOO_LARGE}, {@code STORAGE_FULL}, {@code QUOTA_EXCEEDED}, {@code FILE_HASH_MISMATCH},
 * {@code UPLOAD_CONFLICT}, {@code CANCELLED}) and, when the node sent them, the details of the refusal.
 */
public class FileTransferException extends AldisException {
    private static final long serialVersionUID = 1L;
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(available|requested)\"\\s*:\\s*(\\d+)");

    private final String details;

    /** A failure with a known code. */
    public FileTransferException(ErrorCode code, String message) {
        this(code.code(), message, "", null);
    }

    /** A failure with a known code and the exception behind it. */
    public FileTransferException(ErrorCode code, String message, Throwable cause) {
        this(code.code(), message, "", cause);
    }

    /**
     * A failure with a numeric code, the node's details (a JSON object; empty when none) and the
     * exception behind it.
     */
    public FileTransferException(int rawCode, String message, String details, Throwable cause) {
        super(rawCode, message, cause);
        this.details = details == null ? "" : details;
    }

    /** The details the node sent, as a JSON object; empty when it sent none. */
    public String details() {
        return details;
    }

    /** For {@code STORAGE_FULL} and {@code QUOTA_EXCEEDED}: the bytes still available, when the node said. */
    public OptionalLong available() {
        return field("available");
    }

    /** For {@code STORAGE_FULL} and {@code QUOTA_EXCEEDED}: the bytes the transfer needed, when the node said. */
    public OptionalLong requested() {
        return field("requested");
    }

    private OptionalLong field(String name) {
        Matcher m = NUMBER_FIELD.matcher(details);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                try {
                    return OptionalLong.of(Long.parseLong(m.group(2)));
                } catch (NumberFormatException tooLarge) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
