package io.aldis.feature.cluster.internal.addresses;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.ClusterView.MemberView;
import io.aldis.feature.cluster.internal.TwoEngines;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster's table of client addresses on two real Hazelcast members in this JVM, run by their
 * engines as the feature runs them: each member lists its own addresses first, and the entry of a
 * member that dies without withdrawing it leaves the replicated map.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientAddressTableTest {
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String FIRST = "tcp://10.0.0.1:7440";
    private static final String SECOND = "tcp://10.0.0.2:7440";

    private ClusterEngine first;
    private ClusterEngine second;

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private void twoMembersThatAnnounced() throws Exception {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        List<ClusterEngine> engines = TwoEngines.start("addresses");
        first = engines.get(0);
        second = engines.get(1);
        await("two members", () -> first.members().size() == 2 && second.members().size() == 2);
        first.clientAddresses().announce(List.of(FIRST));
        second.clientAddresses().announce(List.of(SECOND));
        await("both lists hold both nodes", () -> first.clientAddresses().clientAddresses().size() == 2
                && second.clientAddresses().clientAddresses().size() == 2);
    }

    @Test
    void eachNodeListsItsOwnAddressesFirst() throws Exception {
        twoMembersThatAnnounced();
        assertThat(first.clientAddresses().clientAddresses()).containsExactly(FIRST, SECOND);
        assertThat(second.clientAddresses().clientAddresses()).containsExactly(SECOND, FIRST);
    }

    @Test
    void theEntryOfAMemberThatDiedLeavesTheMapAndTheList() throws Exception {
        twoMembersThatAnnounced();
        String secondId = localId(second);
        HazelcastInstance firstMember = instanceOf(localId(first));
        assertThat(firstMember.<String, String>getReplicatedMap(ClientAddressTable.MAP).containsKey(secondId)).isTrue();

        // Killed: the member withdraws nothing itself.
        instanceOf(secondId).getLifecycleService().terminate();
        second = null;

        await("the first node no longer lists the second",
                () -> first.clientAddresses().clientAddresses().equals(List.of(FIRST)));
        await("the dead member's entry is gone from the map",
                () -> !firstMember.<String, String>getReplicatedMap(ClientAddressTable.MAP).containsKey(secondId));
    }

    private static String localId(ClusterEngine engine) {
        return engine.members().stream().filter(MemberView::local).findFirst().orElseThrow().id();
    }

    private static HazelcastInstance instanceOf(String memberId) {
        return Hazelcast.getAllHazelcastInstances().stream()
                .filter(h -> h.getCluster().getLocalMember().getUuid().toString().equals(memberId))
                .findFirst().orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
