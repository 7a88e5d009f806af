package io.aldis.feature.cluster.internal.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Messages sent to and received from each other node, by member id. */
public final class PeerCounts {
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();

    void sent(String peer) {
        sent.computeIfAbsent(peer, k -> new LongAdder()).increment();
    }

    void received(String peer) {
        received.computeIfAbsent(peer, k -> new LongAdder()).increment();
    }

    public long sentTo(String peer) {
        LongAdder n = sent.get(peer);
        return n == null ? 0 : n.sum();
    }

    public long receivedFrom(String peer) {
        LongAdder n = received.get(peer);
        return n == null ? 0 : n.sum();
    }

    public long sentTotal() {
        return sent.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long receivedTotal() {
        return received.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
