package io.aldis.feature.pubsub.api;

import io.aldis.protocol.api.ErrorCode;
import java.util.Objects;

/**
 * Thrown by (or completing the stage of) a {@link MessageHandler} to answer the sender with a
 * specific error code and message instead of a generic service error.
 */
public class MessageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    public MessageException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The code sent to the client. */
    public ErrorCode code() {
        return code;
    }
}
