package io.aldis.feature.cluster.internal.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntBiFunction;

/**
 * Where a call runs: on the node that serves its service with the fewest calls in flight, this
 * node when it serves the service with as few or fewer, and among other nodes with as few, each in
 * turn.
 */
final class NodeChoice {
    private NodeChoice() {
    }

    /**
     * @param peers         the other nodes' services and calls in flight, by member id, as they announced them
     * @param localInFlight the calls of the service in flight here, or -1 when this node does not serve it
     * @param sentSince     the calls of a service (second argument) this node sent a node (first)
     *                      and that are not answered yet, which its announcement may not count yet
     * @param turn          a number that changes from one call to the next, so equal nodes take turns
     * @param ignored       nodes whose entry of the service is not to be called: a client there
     *                      provides a name an OSGi service exports on some node
     * @return the member id of the node to send the call to, or null to run it here
     */
    static String choose(Map<String, Map<String, Integer>> peers, String service, int localInFlight,
            ToIntBiFunction<String, String> sentSince, int turn, Set<String> ignored) {
        if (peers.isEmpty()) {
            return null;
        }
        List<String> ids = new ArrayList<>(peers.keySet());
        int n = ids.size();
        int start = Math.floorMod(turn, n);
        String best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            String id = ids.get((start + i) % n);
            Integer announced = peers.get(id).get(service);
            if (announced == null || ignored.contains(id)) {
                continue;
            }
            int load = Math.max(announced, sentSince.applyAsInt(id, service));
            if (load < bestLoad) {
                best = id;
                bestLoad = load;
            }
        }
        if (best == null || (localInFlight >= 0 && localInFlight <= bestLoad)) {
            return null;
        }
        return best;
    }
}
