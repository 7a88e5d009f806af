package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
import io.aldis.protocol.api.ErrorCode;
import java.util.UUID;

/**
 * This node's RPC topic, read for as long as the node is a member, whether RPC is linked or not.
 * While it is, every message goes to the link's receiver; while it is not (RPC stopped, or being
 * updated), a call another node sends is answered {@code METHOD_NOT_FOUND} at once, so that its
 * caller does not wait for its deadline, and anything else is dropped: the calls it could concern
 * were answered when RPC was unlinked.
 */
public final class RpcInbox implements MessageListener<byte[]>, AutoCloseable {
    private final HazelcastInstance hazelcast;
    private ITopic<byte[]> topic;
    private UUID registration;
    private volatile MessageListener<byte[]> receiver;

    public RpcInbox(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        listen();
    }

    private void listen() {
        this.topic = hazelcast.getTopic(ClusterCalls.topicOf(hazelcast.getCluster().getLocalMember().getUuid().toString()));
        this.registration = topic.addMessageListener(this);
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
    public void receiver(MessageListener<byte[]> linked) {
        this.receiver = linked;
    }

    @Override
    public void onMessage(Message<byte[]> message) {
        MessageListener<byte[]> r = receiver;
        if (r != null) {
            r.onMessage(message);
            return;
        }
        if (message.getPublishingMember() == null) {
            return;
        }
        String peer = message.getPublishingMember().getUuid().toString();
        RpcMessage.callIdOfCall(message.getMessageObject()).ifPresent(callId -> {
            try {
                hazelcast.<byte[]>getTopic(ClusterCalls.topicOf(peer)).publish(RpcMessage.error(callId,
                        ErrorCode.METHOD_NOT_FOUND.code(), "RPC on the serving node is stopped or being updated", "")
                        .encode());
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
