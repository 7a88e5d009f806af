package io.aldis.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one remote call.
 *
 * @param timeout how long the call may take, sent to the node as the call's deadline; {@code null}
 *                means the client's default ({@link AldisClient.Builder#callTimeout}), and
 *                {@link Duration#ZERO} means no deadline at all. For a streaming call it covers the
 *                whole stream, and keeps running while a broken connection is being resumed
 * @param streamHighWaterMark for a call with a streamed result: the most of the result's items
 *                the client holds for the application at once, in the unit of the method's credit
 *                mode (docs/protocol.md 6.4.3); it is the first STREAM_CREDIT the client grants.
 *                0 means the default: {@value #DEFAULT_ITEMS_HIGH_WATER_MARK} items in
 *                {@code items} mode, {@value #DEFAULT_BYTES_HIGH_WATER_MARK} in {@code bytes} and
 *                {@code custom} mode. An item may cost at most half of it. While the client
 *                waits for the answers of calls with a deadline on the same connection, the
 *                stream keeps to an eighth of it, and at least twice its largest item so far
 *                (docs/protocol.md 6.4.3, rule 7), so that those answers wait behind less of it
 * @param batchAfterStreamError whether a streaming call whose stream failed with
 *                {@code STREAM_FAILED}, {@code UNKNOWN_SIZE_FUNCTION} or {@code STREAM_LIMIT}
 *                before any result item reached the application is made once more without
 *                streams, its items batched as JSON arrays (docs/protocol.md 6.4.1); off by
 *                default, since the callee then runs the method a second time
 * @since 1.4 (streamHighWaterMark and batchAfterStreamError)
 */
public record CallOptions(Duration timeout, int streamHighWaterMark, boolean batchAfterStreamError) {
    /** The high-water mark of a streamed result in {@code items} mode when none is set. */
    public static final int DEFAULT_ITEMS_HIGH_WATER_MARK = 64;
    /** The high-water mark of a streamed result in {@code bytes} and {@code custom} mode when none is set: 1 MiB. */
    public static final int DEFAULT_BYTES_HIGH_WATER_MARK = 1 << 20;

    private static final CallOptions DEFAULTS = new CallOptions(null);

    public CallOptions {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        if (streamHighWaterMark < 0) {
            throw new IllegalArgumentException("streamHighWaterMark must not be negative: " + streamHighWaterMark);
        }
    }

    /** Options with a timeout and the defaults for streams. */
    public CallOptions(Duration timeout) {
        this(timeout, 0, false);
    }

    /** The client's default timeout. */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** A call with its own timeout. */
    public static CallOptions timeout(Duration timeout) {
        return new CallOptions(Objects.requireNonNull(timeout, "timeout"));
    }

    /** A call without deadline: it waits until the callee answers or the connection breaks. */
    public static CallOptions noTimeout() {
        return new CallOptions(Duration.ZERO);
    }

    /**
     * These options with the high-water mark of a streamed result (see the record's description);
     * 0 for the default of the method's credit mode.
     */
    public CallOptions withStreamHighWaterMark(int highWaterMark) {
        return new CallOptions(timeout, highWaterMark, batchAfterStreamError);
    }

    /** These options with {@code batchAfterStreamError} set as given (see the record's description). */
    public CallOptions withBatchAfterStreamError(boolean allowed) {
        return new CallOptions(timeout, streamHighWaterMark, allowed);
    }
}
