package io.aldis.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one remote call.
 *
 * @param timeout how long the call may take, sent to the node as the call's deadline; {@code null}
 *                means the client's default ({@link AldisClient.Builder#callTimeout}), and
 *                {@link Duration#ZERO} means no deadline at all
 */
public record CallOptions(Duration timeout) {
    private static final CallOptions DEFAULTS = new CallOptions(null);

    public CallOptions {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
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
}
