package io.aldis.client;

import io.aldis.protocol.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote call that failed: the code and message of the RPC_ERROR (or of the client, for a call
 * that never got an answer), and the error's JSON details.
 *
 * <p>{@link #retryable()} says whether the same call may sensibly be tried again: the connection
 * broke while it was in flight ({@code CONNECTION_INTERRUPTED}), the node was busy, rate limited
 * or stopping, or the client that provided the service went away. The client never re-sends a
 * call by itself, because the first attempt may already have run on the other side.
 */
public class RpcCallException extends AldisException {
    private static final long serialVersionUID = 1L;
    private static final Pattern FIELD_ERROR = Pattern.compile(
            "\\{\\s*\"path\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,\\s*\"reason\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}");

    /** One parameter that did not validate, as the node reports it with {@code INVALID_PARAMS}. */
    public record FieldError(String path, String reason) {
    }

    private final String details;

    /** A failure with a numeric code, a message and JSON details (empty when there are none). */
    public RpcCallException(int code, String message, String details) {
        this(code, message, details, null);
    }

    /** The same with the exception behind it. */
    public RpcCallException(int code, String message, String details, Throwable cause) {
        super(code, message, cause);
        this.details = details == null ? "" : details;
    }

    /** A failure with a known code and no details. */
    public RpcCallException(ErrorCode code, String message) {
        this(code.code(), message, "", null);
    }

    /** The error's details as JSON text; empty when there are none. */
    public String details() {
        return details;
    }

    /**
     * The field errors of an {@code INVALID_PARAMS} failure, from the details
     * {@code {"errors":[{"path":...,"reason":...}]}}; empty for other failures.
     */
    public List<FieldError> fieldErrors() {
        List<FieldError> errors = new ArrayList<>();
        int start = details.indexOf("\"errors\"");
        if (start < 0) {
            return errors;
        }
        Matcher m = FIELD_ERROR.matcher(details);
        m.region(start, details.length());
        while (m.find()) {
            errors.add(new FieldError(unescape(m.group(1)), unescape(m.group(2))));
        }
        return List.copyOf(errors);
    }

    /** Whether trying the same call again may succeed (see the class description). */
    public boolean retryable() {
        ErrorCode code = code();
        return code == ErrorCode.CONNECTION_INTERRUPTED || code == ErrorCode.CONNECTION_LOST
                || code == ErrorCode.BUSY || code == ErrorCode.RATE_LIMITED || code == ErrorCode.SHUTTING_DOWN
                || code == ErrorCode.PROVIDER_GONE || code == ErrorCode.INTERNAL_ERROR;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> b.append(n);
            }
        }
        return b.toString();
    }
}
