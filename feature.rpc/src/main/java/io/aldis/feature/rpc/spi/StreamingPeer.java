package io.aldis.feature.rpc.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Another node that serves a service and takes calls with streams: a {@link RemoteCalls.Peer} a
 * linking bundle gives when it relays streams between nodes. RPC sends a call that takes streams
 * to another node only through one of these; otherwise such a call goes without streams.
 */
@ConsumerType
public interface StreamingPeer extends RemoteCalls.Peer {
    /**
     * Sends a call that takes streams. If the serving node's method streams, {@link StreamedAnswer#opened}
     * comes first, then the items both ways, then the answer; otherwise the answer alone, as for
     * {@link #send(String, byte[], int, CallAnswer)}. When the node leaves before the call ended,
     * the answer is {@code PROVIDER_GONE}. Never blocks.
     *
     * @param timeoutMillis what is left of the caller's deadline; 0 for the other node's default
     * @return the call, to cancel it (and its stream) on the other node
     */
    RunningCall send(String method, byte[] params, int timeoutMillis, StreamedAnswer answer);
}
