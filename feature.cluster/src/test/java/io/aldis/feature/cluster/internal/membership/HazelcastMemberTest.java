package io.aldis.feature.cluster.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.feature.cluster.internal.sessions.SharedResumeTokens;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The member's Hazelcast configuration: where it binds and where its connections leave from. */
class HazelcastMemberTest {
    private static final String SECRET = "a-secret-of-sixteen-or-more";

    @Test
    void connectionsLeaveFromTheMembersOwnAddressWhenOthersReachItThere() {
        Config config = HazelcastMember.config(new ClusterSettings("c", SECRET, List.of(), "127.0.0.21", 7450, "a", 10,
                "127.0.0.21:17450"), null);
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.socket.client.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("127.0.0.21:17450");
    }

    @Test
    void behindANatTheSystemPicksTheAddressConnectionsLeaveFrom() {
        // The public address is not one of this machine's: binding outgoing connections to it, as
        // Hazelcast would with bind.any off, fails, and the member would stay alone.
        Config config = HazelcastMember.config(new ClusterSettings("c", SECRET, List.of(), "10.0.0.5", 7450, "a", 10,
                "203.0.113.7:7450"), null);
        assertThat(config.getProperty("hazelcast.socket.client.bind.any")).isEqualTo("true");
        assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.5");
    }

    @Test
    void aResumeReadsItsTokenAndItsRevocationsFromCopiesOnEveryMemberOfThree() {
        // Reading an entry whose owner just died waits until Hazelcast names a new owner (tens of
        // milliseconds measured, up to a hundred): a resume after a node's death must find all it
        // reads on the node the client reached.
        Config config = HazelcastMember.config(new ClusterSettings("c", SECRET, List.of(), "127.0.0.21", 7450, "a", 10,
                "127.0.0.21:17450"), null);
        for (String map : List.of(SharedResumeTokens.GRANTS, SharedResumeTokens.REVOKED,
                SharedResumeTokens.USERS_REVOKED, SharedResumeTokens.USERS)) {
            assertThat(config.getMapConfig(map).isReadBackupData()).as(map).isTrue();
            assertThat(config.getMapConfig(map).getBackupCount()).as(map).isEqualTo(2);
        }
        assertThat(config.getMapConfig(SharedResumeTokens.USERS_REVOKED).getMergePolicyConfig().getPolicy())
                .as("the later of two revocations of a user outlives a merge").endsWith("LatestUpdateMergePolicy");
        assertThat(config.getMapConfig(SharedResumeTokens.USERS_REVOKED).isPerEntryStatsEnabled()).isTrue();
    }
}
