package io.aldis.feature.cluster.internal.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Messages and bytes sent to and received from each other node, by member id, and when the last one went. */
public final class PeerCounts {
    private final Map<String, Traffic> sent = new ConcurrentHashMap<>();
    private final Map<String, Traffic> received = new ConcurrentHashMap<>();

    void sent(String peer, int bytes) {
        sent.computeIfAbsent(peer, k -> new Traffic()).add(bytes);
    }

    void received(String peer, int bytes) {
        received.computeIfAbsent(peer, k -> new Traffic()).add(bytes);
    }

    public long sentTo(String peer) {
        Traffic t = sent.get(peer);
        return t == null ? 0 : t.messages.sum();
    }

    public long receivedFrom(String peer) {
        Traffic t = received.get(peer);
        return t == null ? 0 : t.messages.sum();
    }

    /** Bytes of the messages sent to a peer, as they crossed (subject, headers and payload included). */
    public long bytesSentTo(String peer) {
        Traffic t = sent.get(peer);
        return t == null ? 0 : t.bytes.sum();
    }

    public long bytesReceivedFrom(String peer) {
        Traffic t = received.get(peer);
        return t == null ? 0 : t.bytes.sum();
    }

    /**
     * When this node last sent to or received from a peer, epoch milliseconds, to within the
     * second between two {@link #sample}s; 0 for never.
     */
    public long lastActivity(String peer) {
        Traffic out = sent.get(peer);
        Traffic in = received.get(peer);
        return Math.max(out == null ? 0 : out.sample(), in == null ? 0 : in.sample());
    }

    /**
     * Notes the traffic that went since the last look as gone now. Called about every second, so
     * that a message costs no reading of the clock.
     */
    public void sample() {
        sent.values().forEach(Traffic::sample);
        received.values().forEach(Traffic::sample);
    }

    public long sentTotal() {
        return sent.values().stream().mapToLong(t -> t.messages.sum()).sum();
    }

    public long receivedTotal() {
        return received.values().stream().mapToLong(t -> t.messages.sum()).sum();
    }

    /** Bytes sent to every peer since this node joined, to peers that left since too. */
    public long bytesSentTotal() {
        return sent.values().stream().mapToLong(t -> t.bytes.sum()).sum();
    }

    /** Bytes received from every peer since this node joined, from peers that left since too. */
    public long bytesReceivedTotal() {
        return received.values().stream().mapToLong(t -> t.bytes.sum()).sum();
    }

    /** One direction of the traffic with one peer. */
    private static final class Traffic {
        final LongAdder messages = new LongAdder();
        final LongAdder bytes = new LongAdder();
        /** The message count at the last {@link #sample}, and when it last changed. */
        private long sampledCount;
        private long last;

        void add(int size) {
            messages.increment();
            bytes.add(size);
        }

        synchronized long sample() {
            long count = messages.sum();
            if (count != sampledCount) {
                sampledCount = count;
                last = System.currentTimeMillis();
            }
            return last;
        }
    }
}
