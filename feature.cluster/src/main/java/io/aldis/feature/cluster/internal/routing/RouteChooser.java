package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.spi.Interest;
import java.util.ArrayList;
import java.util.Collections;
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
    /** Subjects kept per snapshot of the peers' interest, at most. */
    static final int MAX_CACHED_SUBJECTS = 10_000;

    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();
    private volatile Cache cache = new Cache(Map.of(), new ConcurrentHashMap<>());

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
        Matched matched = matched(subject, peers);
        if (localQueueGroups.isEmpty() && matched.groups().isEmpty()) {
            return matched.plainOnly();
        }
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (String g : localQueueGroups) {
            candidates.computeIfAbsent(g, k -> new ArrayList<>()).add(HERE);
        }
        for (Map.Entry<String, List<String>> g : matched.groups().entrySet()) {
            candidates.computeIfAbsent(g.getKey(), k -> new ArrayList<>()).addAll(g.getValue());
        }
        Map<String, Set<String>> peerGroups = new LinkedHashMap<>();
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
            if (groups != null || matched.plain().contains(peer)) {
                sends.put(peer, groups == null ? Set.of() : groups);
            }
        }
        return new Plan(sends, here);
    }

    /**
     * Which of the peers' interest a subject matches, kept per subject for as long as the peers'
     * interest is the same snapshot: matching every pattern of every peer for each message was a
     * tenth of a publishing node's time in the cluster benchmark.
     */
    private Matched matched(String subject, Map<String, Set<Interest>> peers) {
        Cache c = cache;
        if (c.peers() != peers) {
            c = new Cache(peers, new ConcurrentHashMap<>());
            cache = c;
        }
        Matched m = c.bySubject().get(subject);
        if (m == null) {
            m = match(subject, peers);
            if (c.bySubject().size() >= MAX_CACHED_SUBJECTS) {
                // Many distinct subjects: start over rather than keep them all.
                c.bySubject().clear();
            }
            c.bySubject().put(subject, m);
        }
        return m;
    }

    private Matched match(String subject, Map<String, Set<Interest>> peers) {
        Set<String> plain = new HashSet<>();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Set<Interest>> peer : peers.entrySet()) {
            for (Interest i : peer.getValue()) {
                if (!matches.test(i.pattern(), subject)) {
                    continue;
                }
                if (i.queueGroup().isEmpty()) {
                    plain.add(peer.getKey());
                } else {
                    List<String> nodes = groups.computeIfAbsent(i.queueGroup(), k -> new ArrayList<>());
                    if (!nodes.contains(peer.getKey())) {
                        nodes.add(peer.getKey());
                    }
                }
            }
        }
        Map<String, Set<String>> sends = new LinkedHashMap<>();
        for (String peer : peers.keySet()) {
            if (plain.contains(peer)) {
                sends.put(peer, Set.of());
            }
        }
        return new Matched(Set.copyOf(plain), groups, new Plan(Collections.unmodifiableMap(sends), Set.of()));
    }

    /**
     * What a subject matches among the peers' interest.
     *
     * @param plain     the peers with a plain pattern that matches
     * @param groups    per queue group with matching members on other nodes, those nodes in the peers' order
     * @param plainOnly the plan when no queue group is involved
     */
    private record Matched(Set<String> plain, Map<String, List<String>> groups, Plan plainOnly) {
    }

    /** Subjects matched against one snapshot of the peers' interest. */
    private record Cache(Map<String, Set<Interest>> peers, Map<String, Matched> bySubject) {
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
