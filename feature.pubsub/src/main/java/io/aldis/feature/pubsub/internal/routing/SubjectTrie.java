package io.aldis.feature.pubsub.internal.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscriptions indexed by their pattern's tokens. Matching a subject walks one path per token
 * plus the {@code *} and {@code >} branches met on the way, so its cost depends on the subject's
 * depth and on the wildcards actually subscribed, never on the number of subscriptions. Results
 * are cached per subject until the next change.
 *
 * <p>Reads are lock-free; changes are serialized on the trie. A match that races a change sees
 * the trie before or after it, and is never cached across it.
 *
 * @param <S> what is subscribed
 */
final class SubjectTrie<S extends SubjectTrie.Entry> {
    /** What the trie stores: a pattern and an optional queue group. */
    interface Entry {
        String pattern();

        /** The queue group, or the empty string for none. */
        String queueGroup();
    }

    /** The subscriptions matching one subject: plain ones, and queue groups of which one member gets it. */
    static final class Match<S> {
        final long generation;
        final List<S> plain;
        final List<Group<S>> groups;

        Match(long generation, List<S> plain, List<Group<S>> groups) {
            this.generation = generation;
            this.plain = plain;
            this.groups = groups;
        }

        int size() {
            int n = plain.size();
            for (Group<S> g : groups) {
                n += g.members.size();
            }
            return n;
        }

        boolean isEmpty() {
            return plain.isEmpty() && groups.isEmpty();
        }
    }

    /** The members of one queue group that match a subject, taken in turn. */
    static final class Group<S> {
        final String name;
        final List<S> members;
        private final AtomicInteger next = new AtomicInteger();

        Group(String name, List<S> members) {
            this.name = name;
            this.members = members;
        }

        /** Where the next turn starts. */
        int nextStart() {
            return Math.floorMod(next.getAndIncrement(), members.size());
        }
    }

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Node star;
        volatile Node rest;
        volatile Object[] subs = new Object[0];

        boolean isEmpty() {
            return subs.length == 0 && children.isEmpty() && star == null && rest == null;
        }
    }

    private static final int CACHE_LIMIT = 16_384;

    private final Node root = new Node();
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, Match<S>> cache = new ConcurrentHashMap<>();
    private int count;

    /** Adds a subscription. */
    synchronized void add(S sub) {
        Node node = root;
        for (String token : Subjects.tokens(sub.pattern())) {
            node = step(node, token);
        }
        Object[] subs = node.subs;
        Object[] grown = Arrays.copyOf(subs, subs.length + 1);
        grown[subs.length] = sub;
        node.subs = grown;
        count++;
        changed();
    }

    /** Removes a subscription; returns whether it was there. */
    synchronized boolean remove(S sub) {
        String[] tokens = Subjects.tokens(sub.pattern());
        Node[] path = new Node[tokens.length + 1];
        path[0] = root;
        for (int i = 0; i < tokens.length; i++) {
            Node next = child(path[i], tokens[i]);
            if (next == null) {
                return false;
            }
            path[i + 1] = next;
        }
        Node node = path[tokens.length];
        Object[] subs = node.subs;
        int at = -1;
        for (int i = 0; i < subs.length; i++) {
            if (subs[i] == sub) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return false;
        }
        Object[] shrunk = new Object[subs.length - 1];
        System.arraycopy(subs, 0, shrunk, 0, at);
        System.arraycopy(subs, at + 1, shrunk, at, subs.length - at - 1);
        node.subs = shrunk;
        count--;
        // Prune nodes left empty, bottom-up.
        for (int i = tokens.length; i > 0 && path[i].isEmpty(); i--) {
            unlink(path[i - 1], tokens[i - 1]);
        }
        changed();
        return true;
    }

    /** How many subscriptions the trie holds. */
    synchronized int size() {
        return count;
    }

    /** A number that moves on every change of the trie. */
    long generation() {
        return generation.get();
    }

    /** Whether {@code match} still holds: no subscription was added or removed since it was made. */
    boolean isCurrent(Match<S> match) {
        return match.generation == generation.get();
    }

    /** The subscriptions matching a concrete, valid subject. */
    Match<S> match(String subject) {
        long gen = generation.get();
        Match<S> cached = cache.get(subject);
        if (cached != null && cached.generation == gen) {
            return cached;
        }
        List<S> found = new ArrayList<>();
        collect(root, Subjects.tokens(subject), 0, found);
        Match<S> match = split(gen, found);
        if (generation.get() == gen) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(subject, match);
        }
        return match;
    }

    /** Every subscription, for listings. */
    List<S> all() {
        List<S> out = new ArrayList<>();
        walk(root, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private void walk(Node node, List<S> out) {
        for (Object o : node.subs) {
            out.add((S) o);
        }
        for (Node c : node.children.values()) {
            walk(c, out);
        }
        Node star = node.star;
        if (star != null) {
            walk(star, out);
        }
        Node rest = node.rest;
        if (rest != null) {
            walk(rest, out);
        }
    }

    @SuppressWarnings("unchecked")
    private static <S> void collect(Node node, String[] tokens, int i, List<S> out) {
        Node rest = node.rest;
        if (rest != null && i < tokens.length) {
            for (Object o : rest.subs) {
                out.add((S) o);
            }
        }
        if (i == tokens.length) {
            for (Object o : node.subs) {
                out.add((S) o);
            }
            return;
        }
        Node literal = node.children.get(tokens[i]);
        if (literal != null) {
            collect(literal, tokens, i + 1, out);
        }
        Node star = node.star;
        if (star != null) {
            collect(star, tokens, i + 1, out);
        }
    }

    private Match<S> split(long gen, List<S> found) {
        List<S> plain = new ArrayList<>(found.size());
        Map<String, List<S>> groups = null;
        for (S s : found) {
            String q = s.queueGroup();
            if (q.isEmpty()) {
                plain.add(s);
            } else {
                if (groups == null) {
                    groups = new LinkedHashMap<>();
                }
                groups.computeIfAbsent(q, k -> new ArrayList<>()).add(s);
            }
        }
        List<Group<S>> list = new ArrayList<>();
        if (groups != null) {
            groups.forEach((name, members) -> list.add(new Group<>(name, List.copyOf(members))));
        }
        return new Match<>(gen, List.copyOf(plain), List.copyOf(list));
    }

    private void changed() {
        generation.incrementAndGet();
        if (!cache.isEmpty()) {
            cache.clear();
        }
    }

    private static Node step(Node node, String token) {
        switch (token) {
            case "*" -> {
                if (node.star == null) {
                    node.star = new Node();
                }
                return node.star;
            }
            case ">" -> {
                if (node.rest == null) {
                    node.rest = new Node();
                }
                return node.rest;
            }
            default -> {
                return node.children.computeIfAbsent(token, t -> new Node());
            }
        }
    }

    private static Node child(Node node, String token) {
        return switch (token) {
            case "*" -> node.star;
            case ">" -> node.rest;
            default -> node.children.get(token);
        };
    }

    private static void unlink(Node parent, String token) {
        switch (token) {
            case "*" -> parent.star = null;
            case ">" -> parent.rest = null;
            default -> parent.children.remove(token);
        }
    }
}
