package io.aldis.feature.rpc.spi;

import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens the stream of a call another node sent with streams, as the serving node's method needs
 * it: a {@link CallStream} whose items go to the calling node and come from it, within the credit
 * the caller grants there. Given by the linking bundle to {@link LocalCalls#run(String, byte[], int, StreamOpener, CallAnswer)}.
 */
@ConsumerType
public interface StreamOpener {
    /**
     * Opens the call's stream; the calling node opens its caller's stream with the same spec.
     *
     * @param listener told how the stream ends, as for a stream opened for a session
     * @throws ProtocolException when the stream cannot open
     */
    CallStream open(StreamSpec spec, CallStreamListener listener);
}
