package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.feature.cluster.internal.membership.HazelcastMember;
import io.aldis.feature.cluster.internal.routing.Inbox;
import io.aldis.feature.cluster.internal.routing.PeerCounts;
import io.aldis.feature.cluster.internal.rpc.RpcInbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a member publishes on another's Hazelcast topics, as a member without links or a hostile
 * program that joined with the secret would: a member whose links use TLS takes none of it, pub/sub
 * messages and RPC messages alike; a member without TLS takes it (which shows the publish arrives).
 * Each test waits for the message to be seen on the topic, refused or taken, never for a time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicRefusalTest {
    private static HazelcastInstance hazelcast;
    private static String self;

    @BeforeAll
    static void aMemberOfItsOwn() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        hazelcast = HazelcastMember.start(new ClusterSettings("topics", "topics-of-a-member-alone", List.of(),
                "127.0.0.1", port, "alone", 5, "", 0, ClusterSettings.HAZELCAST), null);
        self = hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @AfterAll
    static void stop() {
        if (hazelcast != null) {
            hazelcast.shutdown();
        }
    }

    @Test
    void aMemberWithTlsLinksRunsNoCallPublishedOnItsRpcTopic() throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        RpcInbox inbox = new RpcInbox(hazelcast, new DataPath(hazelcast, null, peer -> false), true);
        try {
            inbox.receiver((peer, bytes) -> taken.add(new String(bytes, StandardCharsets.UTF_8)));
            hazelcast.<byte[]>getTopic(DataPath.rpcTopic(self)).publish("a call in clear".getBytes(StandardCharsets.UTF_8));
            await(() -> inbox.refusedFromTopic() == 1, "the RPC message refused");
            assertThat(taken).isEmpty();
        } finally {
            inbox.close();
        }
    }

    @Test
    void aMemberWithTlsLinksDeliversNoMessagePublishedOnItsTopic() throws Exception {
        PeerCounts counts = new PeerCounts();
        Inbox inbox = new Inbox(hazelcast, counts, true);
        try {
            hazelcast.<byte[]>getTopic(DataPath.messageTopic(self)).publish(new byte[] {1, 2, 3});
            await(() -> inbox.refusedFromTopic() == 1, "the message refused");
            // Inbox.received counts every message it takes, before it decodes it.
            assertThat(counts.receivedFrom(self)).isZero();
        } finally {
            inbox.close();
        }
    }

    @Test
    void aMemberWithoutTlsTakesWhatArrivesOnItsRpcTopic() throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        RpcInbox inbox = new RpcInbox(hazelcast, new DataPath(hazelcast, null, peer -> false), false);
        try {
            inbox.receiver((peer, bytes) -> taken.add(new String(bytes, StandardCharsets.UTF_8)));
            hazelcast.<byte[]>getTopic(DataPath.rpcTopic(self)).publish("a call".getBytes(StandardCharsets.UTF_8));
            await(() -> taken.size() == 1, "the RPC message taken");
            assertThat(inbox.refusedFromTopic()).isZero();
        } finally {
            inbox.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
