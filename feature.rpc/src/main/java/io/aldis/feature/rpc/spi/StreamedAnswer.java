package io.aldis.feature.rpc.spi;

import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the answer of a call sent to another node with streams goes: like {@link CallAnswer}, and
 * first, when the serving node opened the call's stream, the stream on this node's caller's side.
 */
@ConsumerType
public interface StreamedAnswer extends CallAnswer {
    /**
     * The serving node opened the call's stream as {@code spec} says: opens the stream to the
     * caller on this node (its STREAM_OPEN goes out now). The linking bundle then passes the
     * serving node's items to {@link CallStream#send} and the caller's items from
     * {@link CallStream#received} to the serving node, each within the credit the receiving side
     * grants. Called at most once, before the answer.
     *
     * @return the caller's stream
     * @throws ProtocolException when the stream cannot open here; the call has then failed with its code
     */
    CallStream opened(StreamSpec spec);
}
