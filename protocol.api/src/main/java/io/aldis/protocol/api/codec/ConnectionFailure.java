package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ErrorCode;
import java.util.Objects;

/**
 * A pipeline user event the node fires from the head of a connection's pipeline when it ends the
 * connection after an ERROR (docs/protocol.md 4.5), just before that ERROR is written and the
 * connection closed. A transport with a close of its own, such as a WebSocket close frame, reads
 * it to say why the connection ends in that close too.
 *
 * @param code    the code of the ERROR that ends the connection
 * @param message the ERROR's message
 */
public record ConnectionFailure(ErrorCode code, String message) {
    public ConnectionFailure {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }
}
