package io.aldis.feature.cluster.internal.links;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * How messages and calls reach another member: over this member's {@link PeerLinks} when both
 * run them, else on the member's Hazelcast topics ({@link #messageTopic}, {@link #rpcTopic}),
 * which every member reads whatever it sends through. The choice is made per member, so members
 * set to send through Hazelcast ({@code dataPath = hazelcast}) and members with links work together.
 *
 * <p>Not when one of the two uses TLS on its links: the topics carry everything in clear, and any
 * member may publish on them. A member whose links use TLS sends nothing on the topics (a message
 * for a member it has no link to is dropped and counted with the link's drops, a call fails), and
 * a member without links sends nothing to a member that announced TLS links.
 */
public final class DataPath {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    private static final String MESSAGES = "aldis.node.";
    private static final String RPC = "aldis.rpc.";

    private final HazelcastInstance hazelcast;
    private final PeerLinks links;
    /** Whether a member announced that its links use TLS. */
    private final Predicate<String> peerTls;
    private final Map<String, ITopic<byte[]>> topics = new ConcurrentHashMap<>();
    /** Messages dropped, by member, because one of the two requires TLS and there is no link between them. */
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final EveryTenSeconds refusedWarnings = new EveryTenSeconds();

    /**
     * @param links   this member's links, or {@code null} to send everything through Hazelcast
     * @param peerTls whether a member announced that its links use TLS
     */
    public DataPath(HazelcastInstance hazelcast, PeerLinks links, Predicate<String> peerTls) {
        this.hazelcast = hazelcast;
        this.links = links;
        this.peerTls = peerTls;
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
        String why = clearRefused(peer);
        if (why != null) {
            long n = refused.computeIfAbsent(peer, p -> new AtomicLong()).incrementAndGet();
            if (refusedWarnings.due()) {
                LOG.log(System.Logger.Level.WARNING, "Dropping messages to member {0} ({1} so far): {2}", peer, n, why);
            }
            return false;
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
        String why = clearRefused(peer);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        topic(rpcTopic(peer)).publish(bytes);
    }

    /**
     * Why nothing may go to a member on its Hazelcast topic, or null when it may: this member's
     * links use TLS, or the member announced that its links do.
     */
    private String clearRefused(String peer) {
        if (links != null && links.tls()) {
            return "member " + peer + " has no TLS links (it is not a member yet, or sends through Hazelcast)"
                    + " and this member's links require TLS";
        }
        if (links == null && peerTls.test(peer)) {
            return "member " + peer + " requires TLS on its links and this member sends through Hazelcast"
                    + " (dataPath = hazelcast)";
        }
        return null;
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
        refused.remove(peer);
        topics.remove(messageTopic(peer));
        topics.remove(rpcTopic(peer));
        if (links != null) {
            links.forget(peer);
        }
    }

    /** Forgets every member, for this member merged into another cluster under a new id. */
    public void forgetAll() {
        refused.clear();
        topics.clear();
        if (links != null) {
            links.forgetAll();
        }
    }

    /** Whether the link to a member is down (its last attempt failed or its connection broke). */
    public boolean linkDown(String peer) {
        return links != null && links.down(peer);
    }

    /** A member joined: it is looked at again for a link. */
    public void joined(String peer) {
        if (links != null) {
            links.joined(peer);
        }
    }

    /**
     * Whether one of this member and {@code peer} requires TLS and the other sends through
     * Hazelcast, so that nothing goes between them.
     */
    public boolean refusedWithoutTls(String peer) {
        return links == null && peerTls.test(peer);
    }

    /** Messages dropped on the link to a member, and those dropped for want of a TLS link to it. */
    public long dropped(String peer) {
        AtomicLong withoutTls = refused.get(peer);
        return (links == null ? 0 : links.dropped(peer)) + (withoutTls == null ? 0 : withoutTls.get());
    }
}
