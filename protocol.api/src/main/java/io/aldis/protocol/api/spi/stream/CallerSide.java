package io.aldis.protocol.api.spi.stream;

import io.aldis.protocol.api.ProtocolException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The caller's side of a relayed stream whose caller is not a session of this node: it opens the
 * stream toward wherever the caller is (another node of a cluster), when the provider opened its
 * own. Given to {@link CallStreams#relay(CallerSide, io.aldis.protocol.api.spi.node.Session, long, StreamSpec, CallStreamListener)}.
 */
@ConsumerType
@FunctionalInterface
public interface CallerSide {
    /**
     * Opens the caller's stream as {@code spec} says; the relay then sends the provider's items to
     * it and feeds it the caller's items, within the credit each side grants.
     *
     * @param listener told how the caller's stream ends
     * @throws ProtocolException when the stream cannot open; the call then fails with its code
     */
    CallStream open(StreamSpec spec, CallStreamListener listener);
}
