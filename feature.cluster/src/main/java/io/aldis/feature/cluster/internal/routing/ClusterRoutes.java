package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.spi.Interest;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import java.util.Map;
import java.util.Set;

/**
 * Pub/sub's link to the other nodes: for a message published here, asks the {@link RouteChooser}
 * which nodes get it and sends it to each through the {@link DataPath}.
 */
public final class ClusterRoutes implements RemoteRoutes {
    private final DataPath path;
    private final InterestTable interest;
    private final RouteChooser chooser;
    private final PeerCounts counts;

    public ClusterRoutes(DataPath path, InterestTable interest, LocalRouting routing, PeerCounts counts) {
        this.path = path;
        this.interest = interest;
        this.chooser = new RouteChooser(routing::matches);
        this.counts = counts;
    }

    @Override
    public Forwarded forward(PublishedMessage message, Set<String> localQueueGroups) {
        Map<String, Set<Interest>> peers = interest.peers();
        if (peers.isEmpty()) {
            return new Forwarded(0, localQueueGroups);
        }
        RouteChooser.Plan plan = chooser.plan(message.subject(), peers, localQueueGroups);
        int sent = 0;
        for (Map.Entry<String, Set<String>> send : plan.sends().entrySet()) {
            WireMessage wire = new WireMessage(message, send.getValue());
            int length = wire.length();
            try {
                if (path.message(send.getKey(), wire, length)) {
                    counts.sent(send.getKey(), length);
                    sent++;
                }
            } catch (RuntimeException memberGone) {
                // Hazelcast is shutting down or the member just left: what is not sent is lost,
                // as docs/cluster.md says (at most once between nodes).
            }
        }
        return new Forwarded(sent, plan.localQueueGroups());
    }
}
