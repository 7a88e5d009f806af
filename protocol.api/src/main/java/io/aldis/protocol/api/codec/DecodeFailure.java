package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ErrorCode;
import java.util.Objects;

/**
 * What {@link LengthPrefixedFrameDecoder} passes down the pipeline in place of a frame when the
 * input cannot be decoded. The handler that receives it answers with an ERROR frame carrying
 * {@link #code()} and, when {@link #fatal()} is set, closes the connection: the decoder discards
 * everything that arrives after a fatal failure because frame boundaries can no longer be trusted.
 *
 * @param code    the error code to answer with
 * @param message a human-readable description of the problem
 * @param fatal   whether the byte stream is unusable from here on
 */
public record DecodeFailure(ErrorCode code, String message, boolean fatal) {
    public DecodeFailure {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }
}
