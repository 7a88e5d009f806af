package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeChoiceTest {
    private static final Map<String, Map<String, Integer>> PEERS = new LinkedHashMap<>();

    static {
        PEERS.put("b", Map.of("gate", 2, "echo", 0));
        PEERS.put("c", Map.of("gate", 1));
        PEERS.put("d", Map.of("other", 0));
    }

    @Test
    void theNodeWithTheFewestCallsInFlightServesAndThisNodeWhenItHasAsFew() {
        assertThat(NodeChoice.choose(PEERS, "gate", -1, (peer, service) -> 0, 0, Set.of())).isEqualTo("c");
        assertThat(NodeChoice.choose(PEERS, "gate", 2, (peer, service) -> 0, 0, Set.of())).isEqualTo("c");
        assertThat(NodeChoice.choose(PEERS, "gate", 1, (peer, service) -> 0, 0, Set.of())).isNull();
        assertThat(NodeChoice.choose(PEERS, "gate", 0, (peer, service) -> 0, 0, Set.of())).isNull();
    }

    @Test
    void callsSentSinceANodesAnnouncementCount() {
        // c announced 1 but this node has sent it 5 since: b, with 2, is less busy.
        assertThat(NodeChoice.choose(PEERS, "gate", -1, (peer, service) -> peer.equals("c") ? 5 : 0, 0, Set.of()))
                .isEqualTo("b");
    }

    @Test
    void noNodeServingTheServiceKeepsTheCallHere() {
        assertThat(NodeChoice.choose(PEERS, "missing", -1, (peer, service) -> 0, 0, Set.of())).isNull();
        assertThat(NodeChoice.choose(Map.of(), "gate", -1, (peer, service) -> 0, 0, Set.of())).isNull();
    }

    @Test
    void equalNodesTakeTurns() {
        Map<String, Map<String, Integer>> equal = new LinkedHashMap<>();
        equal.put("b", Map.of("gate", 0));
        equal.put("c", Map.of("gate", 0));
        Set<String> chosen = new HashSet<>();
        for (int turn = 0; turn < 4; turn++) {
            chosen.add(NodeChoice.choose(equal, "gate", -1, (peer, service) -> 0, turn, Set.of()));
        }
        assertThat(chosen).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void aNodeWhoseClientProvidesANameAnOsgiServiceExportsIsNeverChosen() {
        // b's client provides gate with 0 calls in flight, c exports it with 1: c serves.
        Map<String, Map<String, Integer>> peers = new LinkedHashMap<>();
        peers.put("b", Map.of("gate", 0));
        peers.put("c", Map.of("gate", 1));
        for (int turn = 0; turn < 4; turn++) {
            assertThat(NodeChoice.choose(peers, "gate", -1, (peer, service) -> 0, turn, Set.of("b"))).isEqualTo("c");
        }
        assertThat(NodeChoice.choose(Map.of("b", Map.of("gate", 0)), "gate", -1, (peer, service) -> 0, 0, Set.of("b")))
                .isNull();
    }
}
