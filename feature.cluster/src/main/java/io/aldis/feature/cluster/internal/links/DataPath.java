package io.aldis.feature.cluster.internal.links;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How messages and calls reach another member: over this member's {@link PeerLinks} when both
 * run them, else on the member's Hazelcast topics ({@link #messageTopic}, {@link #rpcTopic}),
 * which every member reads whatever it sends through. The choice is made per member, so members
 * set to send through Hazelcast ({@code dataPath = hazelcast}) and members with links work together.
 */
public final class DataPath {
    private static final String MESSAGES = "aldis.node.";
    private static final String RPC = "aldis.rpc.";

    private final HazelcastInstance hazelcast;
    private final PeerLinks links;
    private final Map<String, ITopic<byte[]>> topics = new ConcurrentHashMap<>();

    /**
     * @param links this member's links, or {@code null} to send everything through Hazelcast
     */
    public DataPath(HazelcastInstance hazelcast, PeerLinks links) {
        this.hazelcast = hazelcast;
        this.links = links;
    }

    /** The Hazelcast topic a member with this id receives pub/sub messages on. */
    public static String messageTopic(String memberId) {
        return MESSAGES + memberId;
    }

    /** The Hazelcast topic a member with this id receives RPC messages on. */
    public static String rpcTopic(String memberId) {
        return RPC + memberId;
    }

    /**
     * Sends a pub/sub message of {@code length} bytes to a member; false when it was dropped (at
     * most once between nodes). Over a link, the message is written on the link's thread.
     *
     * @throws RuntimeException when Hazelcast cannot send it (it is shutting down, or the member left)
     */
    public boolean message(String peer, LinkBody body, int length) {
        if (links != null) {
            PeerLinks.Sent sent = links.sendMessage(peer, body, length);
            if (sent != PeerLinks.Sent.NO_LINK) {
                return sent == PeerLinks.Sent.QUEUED;
            }
        }
        topic(messageTopic(peer)).publish(body.toBytes());
        return true;
    }

    /**
     * Sends an RPC message to a member.
     *
     * @throws IllegalStateException when it cannot be sent, so that a call fails rather than waits
     */
    public void rpc(String peer, byte[] bytes) {
        if (links != null) {
            PeerLinks.Sent sent = links.sendRpc(peer, bytes);
            if (sent == PeerLinks.Sent.QUEUED) {
                return;
            }
            if (sent == PeerLinks.Sent.TOO_LARGE) {
                throw new TooLarge(bytes.length);
            }
            if (sent != PeerLinks.Sent.NO_LINK) {
                throw new IllegalStateException(sent == PeerLinks.Sent.DOWN ? "the link to member " + peer + " is down"
                        : "the link to member " + peer + " could not take the call (its queue is full)");
            }
        }
        topic(rpcTopic(peer)).publish(bytes);
    }

    /** An RPC message too large for a link: that message fails, the link and the other calls go on. */
    public static final class TooLarge extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TooLarge(int bytes) {
            super(bytes + " bytes, and links between members carry less than " + PeerLinks.MAX_FRAME);
        }
    }

    private ITopic<byte[]> topic(String name) {
        return topics.computeIfAbsent(name, hazelcast::getTopic);
    }

    /** Forgets a member that left: its links close. */
    public void forget(String peer) {
        topics.remove(messageTopic(peer));
        topics.remove(rpcTopic(peer));
        if (links != null) {
            links.forget(peer);
        }
    }

    /** Forgets every member, for this member merged into another cluster under a new id. */
    public void forgetAll() {
        topics.clear();
        if (links != null) {
            links.forgetAll();
        }
    }

    /** Whether the link to a member is down (its last attempt failed or its connection broke). */
    public boolean linkDown(String peer) {
        return links != null && links.down(peer);
    }

    /** Messages dropped on the link to a member. */
    public long dropped(String peer) {
        return links == null ? 0 : links.dropped(peer);
    }
}
