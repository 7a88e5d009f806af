package io.aldis.feature.cluster.internal.routing;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.aldis.feature.cluster.internal.membership.OnAnyChange;
import io.aldis.feature.pubsub.spi.Interest;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every node's interest, in a Hazelcast replicated map from member id to {@link InterestCodec}
 * text. Each node writes only its own entry; the entry of a member that left is removed by the
 * others. Reads take a snapshot rebuilt on every change, so routing a message costs no call into
 * Hazelcast.
 */
public final class InterestTable implements AutoCloseable {
    static final String MAP = "aldis.interest";

    private final HazelcastInstance hazelcast;
    /** This member's id; Hazelcast gives a member a new one when it merges after a split. */
    private volatile String self;
    private final ReplicatedMap<String, String> map;
    private final UUID listener;
    private volatile Map<String, Set<Interest>> peers = Map.of();
    /** The text of each member's entry at the last reading and what it decoded to; under this table's lock. */
    private Map<String, Decoded> decoded = Map.of();

    private record Decoded(String text, Set<Interest> interest) {
    }

    public InterestTable(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.map = hazelcast.getReplicatedMap(MAP);
        this.listener = map.addEntryListener(new OnAnyChange(this::rebuild));
        rebuild();
    }

    /** The other nodes' interest, by member id in a stable order; only members in the cluster now. */
    public Map<String, Set<Interest>> peers() {
        return peers;
    }

    /** Publishes this node's interest. */
    public void publish(Set<Interest> interest) {
        map.put(self, InterestCodec.encode(interest));
    }

    /** Whether the map holds an entry of this node now. */
    public boolean hasOwnEntry() {
        return map.containsKey(self);
    }

    /** Removes this node's entry, as it leaves the cluster. */
    public void withdraw() {
        map.remove(self);
    }

    /** Forgets a member that left. */
    public void forget(UUID member) {
        map.remove(member.toString());
        rebuild();
    }

    /**
     * Follows this member to the id Hazelcast gave it when it merged into another cluster: drops
     * the entry under the old id (the merge may have carried it over) and reads the map again.
     * The caller publishes this node's interest again under the new id.
     */
    public void rekey() {
        String old = self;
        self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        if (!old.equals(self)) {
            map.remove(old);
        }
        rebuild();
    }

    /**
     * Reads the map again, for a change of membership (and once a second): an entry whose text did
     * not change since the last reading is not decoded again, so that a quiet cluster with large
     * interest costs a comparison per member, not a decoding of every pattern.
     */
    public synchronized void rebuild() {
        Map<String, Set<Interest>> next = new TreeMap<>();
        Map<String, Decoded> nextDecoded = new HashMap<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = m.getUuid().toString();
            if (id.equals(self)) {
                continue;
            }
            String text = map.get(id);
            if (text != null) {
                Decoded before = decoded.get(id);
                Set<Interest> interest = before != null && before.text().equals(text) ? before.interest()
                        : InterestCodec.decode(text);
                next.put(id, interest);
                nextDecoded.put(id, new Decoded(text, interest));
            }
        }
        decoded = nextDecoded;
        if (!next.equals(peers)) {
            // A new snapshot only for a change: routing keeps what it worked out per snapshot.
            peers = Collections.unmodifiableMap(next);
        }
    }

    @Override
    public void close() {
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException alreadyDown) {
            // Hazelcast is shutting down
        }
    }
}
