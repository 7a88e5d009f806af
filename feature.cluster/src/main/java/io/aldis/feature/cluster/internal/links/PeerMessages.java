package io.aldis.feature.cluster.internal.links;

/** Takes what another member sent this one over a link: pub/sub messages, or RPC messages. */
@FunctionalInterface
public interface PeerMessages {
    /**
     * One message; never blocks, since it runs on the link's thread.
     *
     * @param peer  the sending member's id, as it proved it when it opened the link
     * @param bytes the message as encoded by the sender
     */
    void received(String peer, byte[] bytes);
}
