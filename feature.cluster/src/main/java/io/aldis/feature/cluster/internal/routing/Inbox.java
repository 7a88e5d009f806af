package io.aldis.feature.cluster.internal.routing;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.cluster.internal.links.PeerMessages;
import io.aldis.feature.cluster.internal.links.TopicRefusal;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.protocol.api.codec.RepeatedStrings;
import java.util.UUID;

/**
 * Receives what other nodes send this one, over their links ({@link #received}) or on a Hazelcast
 * topic of this node's own, and hands it to pub/sub's local subscriptions while pub/sub runs (and
 * drops it while it does not). A member whose links use TLS takes nothing from its topic
 * ({@link TopicRefusal}).
 */
public final class Inbox implements PeerMessages, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final HazelcastInstance hazelcast;
    private final PeerCounts counts;
    /** Set when this member's links use TLS: what arrives on the topic is dropped. */
    private final TopicRefusal refusal;
    private ITopic<byte[]> topic;
    private UUID registration;
    private volatile LocalRouting routing;
    /**
     * The subjects each receiving thread keeps seeing (a link's thread, Hazelcast's event threads),
     * so that a repeated subject is the same {@code String} with its hash known, as it is for a
     * client's own connection.
     */
    private final ThreadLocal<RepeatedStrings> strings = ThreadLocal.withInitial(RepeatedStrings::new);

    /** @param linksUseTls whether this member's links use TLS, so that nothing is taken from the topic */
    public Inbox(HazelcastInstance hazelcast, PeerCounts counts, boolean linksUseTls) {
        this.hazelcast = hazelcast;
        this.counts = counts;
        this.refusal = linksUseTls ? new TopicRefusal("a message") : null;
        listen();
    }

    /** Messages dropped from the topic because this member's links use TLS. */
    public long refusedFromTopic() {
        return refusal == null ? 0 : refusal.refused();
    }

    /** Listens on the topic of this member's id now. */
    private void listen() {
        topic = hazelcast.getTopic(DataPath.messageTopic(hazelcast.getCluster().getLocalMember().getUuid().toString()));
        registration = topic.addMessageListener(new Receiver());
    }

    /**
     * Moves to the topic of the new id Hazelcast gave this member when it merged into another
     * cluster: the other nodes send to the id they see, and the old one is gone from the cluster.
     */
    public synchronized void follow() {
        String now = DataPath.messageTopic(hazelcast.getCluster().getLocalMember().getUuid().toString());
        if (topic.getName().equals(now)) {
            return;
        }
        close();
        listen();
    }

    /** Delivers to these subscriptions from now on, or to none ({@code null}). */
    public void routing(LocalRouting localRouting) {
        this.routing = localRouting;
    }

    @Override
    public synchronized void close() {
        try {
            topic.removeMessageListener(registration);
        } catch (RuntimeException alreadyDown) {
            // Hazelcast is shutting down
        }
    }

    @Override
    public void received(String from, byte[] bytes) {
        counts.received(from, bytes == null ? 0 : bytes.length);
        LocalRouting r = routing;
        if (r == null) {
            return;
        }
        try {
            WireMessage m = WireMessage.decode(bytes, strings.get());
            r.deliver(m.message(), m.queueGroups());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Dropped a message from member {0}: {1}", from, e.getMessage());
        }
    }

    private final class Receiver implements MessageListener<byte[]> {
        @Override
        public void onMessage(Message<byte[]> message) {
            String from = message.getPublishingMember() == null ? "?" : message.getPublishingMember().getUuid().toString();
            if (refusal != null) {
                refusal.refuse(from);
                return;
            }
            received(from, message.getMessageObject());
        }
    }
}
