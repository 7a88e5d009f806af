package io.aldis.feature.cluster.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.spi.Interest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RouteChooserTest {
    /** The same rules as pub/sub's, for the few patterns used here. */
    private static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.");
        String[] s = subject.split("\\.");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }

    private final RouteChooser chooser = new RouteChooser(RouteChooserTest::matches);

    @Test
    void aMessageGoesOnlyToNodesWithAMatchingPattern() {
        Map<String, Set<Interest>> peers = new TreeMap<>();
        peers.put("b", Set.of(new Interest("orders.*.created", "")));
        peers.put("c", Set.of(new Interest("metrics.>", "")));

        RouteChooser.Plan plan = chooser.plan("orders.eu.created", peers, Set.of());

        assertThat(plan.sends()).containsOnlyKeys("b");
        assertThat(plan.sends().get("b")).isEmpty();
        assertThat(chooser.plan("metrics.cpu.load", peers, Set.of()).sends()).containsOnlyKeys("c");
        assertThat(chooser.plan("other", peers, Set.of()).sends()).isEmpty();
    }

    @Test
    void eachQueueGroupIsServedOnExactlyOneNodeTakingTurns() {
        Map<String, Set<Interest>> peers = new TreeMap<>();
        peers.put("b", Set.of(new Interest("jobs.>", "workers")));
        peers.put("c", Set.of(new Interest("jobs.*", "workers"), new Interest("jobs.*", "")));
        Map<String, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            RouteChooser.Plan plan = chooser.plan("jobs.x", peers, Set.of("workers"));
            int servers = 0;
            if (plan.localQueueGroups().contains("workers")) {
                servers++;
                servedBy.merge("here", 1, Integer::sum);
            }
            for (Map.Entry<String, Set<String>> send : plan.sends().entrySet()) {
                if (send.getValue().contains("workers")) {
                    servers++;
                    servedBy.merge(send.getKey(), 1, Integer::sum);
                }
            }
            assertThat(servers).isEqualTo(1);
            // c has a plain subscription too: it gets every message, with or without the group.
            assertThat(plan.sends()).containsKey("c");
        }
        assertThat(servedBy).containsEntry("here", 100).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void aGroupWithNoMemberHereIsServedByTheOtherNodes() {
        Map<String, Set<Interest>> peers = new LinkedHashMap<>();
        peers.put("b", Set.of(new Interest("jobs.x", "workers")));
        RouteChooser.Plan plan = chooser.plan("jobs.x", peers, Set.of());
        assertThat(plan.localQueueGroups()).isEmpty();
        assertThat(plan.sends()).containsEntry("b", Set.of("workers"));
    }

    @Test
    void aSubjectIsMatchedOncePerSnapshotOfThePeersInterestAndAgainAfterAChange() {
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        RouteChooser counting = new RouteChooser((p, s) -> {
            looks.incrementAndGet();
            return matches(p, s);
        });
        Map<String, Set<Interest>> before = new TreeMap<>(Map.of("b", Set.of(new Interest("orders.*", ""))));
        assertThat(counting.plan("orders.eu", before, Set.of()).sends()).containsOnlyKeys("b");
        int afterFirst = looks.get();
        assertThat(counting.plan("orders.eu", before, Set.of()).sends()).containsOnlyKeys("b");
        assertThat(looks.get()).isEqualTo(afterFirst);

        Map<String, Set<Interest>> after = new TreeMap<>(before);
        after.put("c", Set.of(new Interest("orders.>", "")));
        assertThat(counting.plan("orders.eu", after, Set.of()).sends()).containsOnlyKeys("b", "c");
        assertThat(looks.get()).isGreaterThan(afterFirst);
    }
}
