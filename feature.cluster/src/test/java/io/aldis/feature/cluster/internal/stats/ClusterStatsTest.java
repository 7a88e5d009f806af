package io.aldis.feature.cluster.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.ClusterView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster MBean's traffic: counted since the node joined, so a member that leaves takes nothing with it. */
class ClusterStatsTest {
    /** A node whose only peer left: no member and no route is left, but the traffic with it is. */
    private static final class PeerLeft implements ClusterView {
        @Override
        public String problem() {
            return "";
        }

        @Override
        public String clusterName() {
            return "c";
        }

        @Override
        public List<MemberView> members() {
            return List.of(new MemberView("a", "127.0.0.1:7450", "id-a", true, 1, 0, 2, 0, 0));
        }

        @Override
        public List<RouteView> routes() {
            return List.of();
        }

        @Override
        public Totals totals() {
            return new Totals(5, 500, 7, 700);
        }
    }

    @Test
    void trafficWithAMemberThatLeftStaysCounted() {
        try (ClusterStats stats = ClusterStats.register(new PeerLeft())) {
            assertThat(stats.getMessagesSent()).isEqualTo(5);
            assertThat(stats.getBytesSent()).isEqualTo(500);
            assertThat(stats.getMessagesReceived()).isEqualTo(7);
            assertThat(stats.getBytesReceived()).isEqualTo(700);
            assertThat(stats.getPeerPatterns()).as("this node's own patterns are not a peer's").isZero();
        }
    }
}
