package io.aldis.feature.rpc.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sends calls made on this node to another node that serves the service. Registered by a bundle
 * that links nodes; RPC uses the one with the highest ranking.
 */
@ConsumerType
public interface RemoteCalls {
    /**
     * Chooses where a call of {@code service} runs: another node that serves it with fewer calls in
     * flight than this node, or, when this node does not serve it, any node that does. Called on the
     * caller's thread: it must not block.
     *
     * @param service       the service's name
     * @param localInFlight the calls of the service in flight on this node, or -1 when this node
     *                      does not serve it
     * @return the node to send the call to, or null to run it here (or to answer METHOD_NOT_FOUND)
     */
    Peer choose(String service, int localInFlight);

    /**
     * Whether another node exports {@code service} as an OSGi service, as that node announced it.
     * RPC then refuses a client of this node that would provide a service of that name, as it does
     * for a service exported here. Called on a session's thread: it must not block.
     */
    default boolean exportedElsewhere(String service) {
        return false;
    }

    /** Another node that serves a service. */
    @ConsumerType
    interface Peer {
        /** The node's name, for messages an operator reads. */
        String name();

        /**
         * Sends a call to the node. It is answered once through {@code answer}: with the node's
         * result or error, or with {@code PROVIDER_GONE} when the node leaves before it answered.
         * Never blocks.
         *
         * @param timeoutMillis what is left of the caller's deadline; 0 for the other node's default
         * @return the call, to cancel it on the other node
         */
        RunningCall send(String method, byte[] params, int timeoutMillis, CallAnswer answer);
    }
}
