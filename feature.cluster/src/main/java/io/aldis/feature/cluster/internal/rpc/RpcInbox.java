package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.cluster.internal.links.PeerMessages;
import io.aldis.feature.cluster.internal.links.TopicRefusal;
import io.aldis.protocol.api.ErrorCode;
import java.util.UUID;

/**
 * Where RPC messages from other nodes arrive, over their links ({@link #received}) or on this
 * node's RPC topic, which is read for as long as the node is a member, whether RPC is linked or not.
 * While it is, every message goes to the link's receiver; while it is not (RPC stopped, or being
 * updated), a call another node sends is answered {@code METHOD_NOT_FOUND} at once, so that its
 * caller does not wait for its deadline, and anything else is dropped: the calls it could concern
 * were answered when RPC was unlinked. A member whose links use TLS takes nothing from its topic
 * ({@link TopicRefusal}): a member without a certificate could otherwise call its services.
 */
public final class RpcInbox implements PeerMessages, AutoCloseable {
    private final HazelcastInstance hazelcast;
    private final DataPath path;
    /** Set when this member's links use TLS: what arrives on the topic is dropped. */
    private final TopicRefusal refusal;
    private ITopic<byte[]> topic;
    private UUID registration;
    private volatile PeerMessages receiver;

    /** @param linksUseTls whether this member's links use TLS, so that nothing is taken from the topic */
    public RpcInbox(HazelcastInstance hazelcast, DataPath path, boolean linksUseTls) {
        this.hazelcast = hazelcast;
        this.path = path;
        this.refusal = linksUseTls ? new TopicRefusal("an RPC message") : null;
        listen();
    }

    /** RPC messages dropped from the topic because this member's links use TLS. */
    public long refusedFromTopic() {
        return refusal == null ? 0 : refusal.refused();
    }

    private void listen() {
        this.topic = hazelcast.getTopic(DataPath.rpcTopic(hazelcast.getCluster().getLocalMember().getUuid().toString()));
        this.registration = topic.addMessageListener(this::onMessage);
    }

    /**
     * Follows this member to the id Hazelcast gave it when it merged into another cluster: the
     * other nodes send calls and answers to the topic of that id from then on.
     */
    public synchronized void follow() {
        ITopic<byte[]> old = topic;
        UUID oldRegistration = registration;
        listen();
        if (!old.getName().equals(topic.getName())) {
            try {
                old.removeMessageListener(oldRegistration);
            } catch (RuntimeException alreadyDown) {
                // Hazelcast is shutting down
            }
        } else {
            topic.removeMessageListener(registration);
            registration = oldRegistration;
        }
    }

    /** Hands every message to {@code linked} from now on; null answers calls as described above. */
    public void receiver(PeerMessages linked) {
        this.receiver = linked;
    }

    private void onMessage(Message<byte[]> message) {
        if (message.getPublishingMember() == null) {
            return;
        }
        if (refusal != null) {
            refusal.refuse(message.getPublishingMember().getUuid().toString());
        } else {
            received(message.getPublishingMember().getUuid().toString(), message.getMessageObject());
        }
    }

    @Override
    public void received(String peer, byte[] bytes) {
        PeerMessages r = receiver;
        if (r != null) {
            r.received(peer, bytes);
            return;
        }
        RpcMessage.callIdOfCall(bytes).ifPresent(callId -> {
            try {
                path.rpc(peer, RpcMessage.error(callId, ErrorCode.METHOD_NOT_FOUND.code(),
                        "RPC on the serving node is stopped or being updated", "").encode());
            } catch (RuntimeException unreachable) {
                // the caller's node is leaving: its calls fail there with PROVIDER_GONE
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            topic.removeMessageListener(registration);
        } catch (RuntimeException alreadyDown) {
            // Hazelcast is shutting down
        }
    }
}
