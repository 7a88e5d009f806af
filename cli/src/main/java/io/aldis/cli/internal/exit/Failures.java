package io.aldis.cli.internal.exit;

import io.aldis.client.AldisException;
import io.aldis.client.FileTransferException;
import io.aldis.protocol.api.ErrorCode;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns whatever ended a command into the exit code a script sees and the one line a user reads:
 * the node's reason with the protocol's code, never a library's class names.
 */
public final class Failures {

    private Failures() {
    }

    /** The failure behind the wrappers that futures put around it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The exit code for {@code failure}. */
    public static ExitCode exitCodeOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof CliFailure cli) {
            return cli.exitCode();
        }
        if (t instanceof NoSuchFileException) {
            return ExitCode.NOT_FOUND;
        }
        if (t instanceof AldisException aldis) {
            ErrorCode code = aldis.code();
            return code == null ? ExitCode.OTHER : exitCodeOf(code);
        }
        return ExitCode.OTHER;
    }

    /** The exit code for a failure the node or the client reported with {@code code}. */
    public static ExitCode exitCodeOf(ErrorCode code) {
        return switch (code) {
            case AUTH_FAILED, AUTH_REQUIRED, AUTH_TIMEOUT, AUTH_MECHANISM_UNSUPPORTED, AUTH_MECHANISM_NOT_ALLOWED ->
                ExitCode.AUTHENTICATION;
            case CONNECTION_FAILED, CONNECTION_TIMEOUT, CONNECTION_LOST, RECONNECT_FAILED, TOO_MANY_CONNECTIONS,
                    HEARTBEAT_TIMEOUT -> ExitCode.UNREACHABLE;
            case FILE_NOT_FOUND_ON_SERVER -> ExitCode.NOT_FOUND;
            case FORBIDDEN, UPLOAD_REJECTED, DOWNLOAD_REJECTED, QUOTA_EXCEEDED, STORAGE_FULL, FILE_TOO_LARGE,
                    INVALID_FILE_NAME, UPLOAD_CONFLICT -> ExitCode.REFUSED;
            case FILE_HASH_MISMATCH, CHUNK_CHECKSUM_ERROR, CHUNK_OUT_OF_RANGE, DECOMPRESSION_FAILED ->
                ExitCode.VERIFICATION;
            default -> ExitCode.OTHER;
        };
    }

    /** One line for the user: what went wrong, in the protocol's words when the node said it. */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof CliFailure) {
            return t.getMessage();
        }
        if (t instanceof AldisException aldis) {
            return describe(aldis);
        }
        if (t instanceof NoSuchFileException missing) {
            return "no such file: " + missing.getFile();
        }
        if (t instanceof AccessDeniedException denied) {
            return "not allowed to use " + denied.getFile();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? "failed (" + t.getClass().getSimpleName() + ")" : message;
    }

    private static String describe(AldisException failure) {
        ErrorCode code = failure.code();
        String name = code == null ? "code" : code.name();
        String reason = failure.reason() == null || failure.reason().isBlank() ? "no reason given" : failure.reason();
        StringBuilder line = new StringBuilder(reason).append(" (").append(name).append(' ')
                .append(failure.rawCode()).append(')');
        if (failure instanceof FileTransferException transfer
                && (transfer.available().isPresent() || transfer.requested().isPresent())) {
            line.append("; available ").append(bytes(transfer.available().orElse(-1)))
                    .append(", requested ").append(bytes(transfer.requested().orElse(-1)));
        }
        return line.toString();
    }

    private static String bytes(long value) {
        return value < 0 ? "unknown" : value + " bytes";
    }
}
