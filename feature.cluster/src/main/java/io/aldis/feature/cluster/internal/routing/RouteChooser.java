package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.spi.Interest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * Decides where a message published on this node goes: to every other node with a plain
 * subscription that matches, and, for each queue group that matches anywhere, to exactly one of
 * the nodes with members of it, taking turns among them.
 */
public final class RouteChooser {
    /** Stands for this node among the candidates of a queue group. */
    private static final String HERE = "";

    private final BiPredicate<String, String> matches;
    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    /** @param matches whether a pattern (first) matches a subject (second) */
    public RouteChooser(BiPredicate<String, String> matches) {
        this.matches = matches;
    }

    /**
     * Where one message goes.
     *
     * @param peers           the other nodes' interest, in an order every call sees the same
     * @param localQueueGroups queue groups with a member on this node that match
     */
    public Plan plan(String subject, Map<String, Set<Interest>> peers, Set<String> localQueueGroups) {
        Map<String, Set<String>> peerGroups = new LinkedHashMap<>();
        Set<String> plainPeers = new HashSet<>();
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (String g : localQueueGroups) {
            candidates.computeIfAbsent(g, k -> new ArrayList<>()).add(HERE);
        }
        for (Map.Entry<String, Set<Interest>> peer : peers.entrySet()) {
            for (Interest i : peer.getValue()) {
                if (!matches.test(i.pattern(), subject)) {
                    continue;
                }
                if (i.queueGroup().isEmpty()) {
                    plainPeers.add(peer.getKey());
                } else {
                    List<String> nodes = candidates.computeIfAbsent(i.queueGroup(), k -> new ArrayList<>());
                    if (!nodes.contains(peer.getKey())) {
                        nodes.add(peer.getKey());
                    }
                }
            }
        }
        Set<String> here = new HashSet<>();
        for (Map.Entry<String, List<String>> c : candidates.entrySet()) {
            List<String> nodes = c.getValue();
            int turn = turns.computeIfAbsent(c.getKey(), k -> new AtomicInteger()).getAndIncrement();
            String chosen = nodes.get(Math.floorMod(turn, nodes.size()));
            if (chosen.equals(HERE)) {
                here.add(c.getKey());
            } else {
                peerGroups.computeIfAbsent(chosen, k -> new HashSet<>()).add(c.getKey());
            }
        }
        Map<String, Set<String>> sends = new LinkedHashMap<>();
        for (String peer : peers.keySet()) {
            Set<String> groups = peerGroups.get(peer);
            if (groups != null || plainPeers.contains(peer)) {
                sends.put(peer, groups == null ? Set.of() : groups);
            }
        }
        return new Plan(sends, here);
    }

    /**
     * Where one message goes.
     *
     * @param sends            per other node that gets it, the queue groups it serves for it
     * @param localQueueGroups the queue groups this node serves for it
     */
    public record Plan(Map<String, Set<String>> sends, Set<String> localQueueGroups) {
    }
}
