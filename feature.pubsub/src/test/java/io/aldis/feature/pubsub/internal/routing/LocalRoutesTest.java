package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.spi.Interest;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pub/sub's side of a link to other nodes: what it offers them and what it takes from them. */
class LocalRoutesTest {
    private final RoutingParts parts = new RoutingParts();
    private final LocalRoutes local = new LocalRoutes(parts.table, parts.router);

    private static Delivery message(String subject) {
        return new Delivery(subject, "", Map.of(), new byte[] {7});
    }

    @Test
    void interestListsPatternsAndGroupsOnceEachWithoutTheSysSubjects() {
        long before = local.interestVersion();
        parts.table.addLocal("orders.*", "", m -> { }, "t");
        parts.table.addLocal("orders.*", "", m -> { }, "t");
        parts.table.addLocal("jobs.>", "workers", m -> { }, "t");
        parts.table.addLocal("$sys.>", "", m -> { }, "t");

        assertThat(local.interestVersion()).isNotEqualTo(before);
        assertThat(local.interest()).containsExactlyInAnyOrder(
                new Interest("orders.*", ""), new Interest("jobs.>", "workers"));
    }

    @Test
    void aLinkSeesEveryPublishAndDecidesWhichLocalQueueGroupsAreServedHere() {
        List<String> got = new CopyOnWriteArrayList<>();
        parts.table.addLocal("jobs.*", "", m -> got.add("plain"), "t");
        parts.table.addLocal("jobs.*", "workers", m -> got.add("worker"), "t");
        parts.table.addLocal("jobs.*", "auditors", m -> got.add("auditor"), "t");
        List<Set<String>> offered = new CopyOnWriteArrayList<>();
        parts.router.remoteRoutes((PublishedMessage m, Set<String> groups) -> {
            offered.add(groups);
            // Another node serves "workers" and takes the message there.
            return new RemoteRoutes.Forwarded(1, Set.of("auditors"));
        });

        int receivers = parts.router.route(message("jobs.a"), null);

        assertThat(offered).containsExactly(Set.of("workers", "auditors"));
        assertThat(got).containsExactlyInAnyOrder("plain", "auditor");
        assertThat(receivers).isEqualTo(3); // two here and one node elsewhere
    }

    @Test
    void aMessageFromAnotherNodeReachesTheNamedGroupsHereAndIsNotOfferedToAnyNodeAgain() {
        List<String> got = new CopyOnWriteArrayList<>();
        parts.table.addLocal("jobs.*", "", m -> got.add("plain"), "t");
        parts.table.addLocal("jobs.*", "workers", m -> got.add("worker"), "t");
        parts.table.addLocal("jobs.*", "auditors", m -> got.add("auditor"), "t");
        List<PublishedMessage> offered = new CopyOnWriteArrayList<>();
        parts.router.remoteRoutes((m, groups) -> {
            offered.add(m);
            return new RemoteRoutes.Forwarded(0, groups);
        });

        int n = local.deliver(new PublishedMessage("jobs.b", "", Map.of(), new byte[] {1}), Set.of("workers"));

        assertThat(n).isEqualTo(2);
        assertThat(got).containsExactlyInAnyOrder("plain", "worker");
        assertThat(offered).isEmpty();
    }

    @Test
    void withoutALinkEveryLocalQueueGroupIsServedAsBefore() {
        List<String> got = new CopyOnWriteArrayList<>();
        parts.table.addLocal("jobs.*", "workers", m -> got.add("worker"), "t");
        assertThat(parts.router.route(message("jobs.c"), null)).isEqualTo(1);
        assertThat(got).containsExactly("worker");
    }
}
