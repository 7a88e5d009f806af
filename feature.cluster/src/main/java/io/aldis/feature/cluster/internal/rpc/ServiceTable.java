package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The RPC services every node serves, with their calls in flight there, in a Hazelcast replicated
 * map from member id to text (a line {@code name<TAB>inFlight} per service). Each node writes only
 * its own entry; the entry of a member that left is removed by the others. Reads take a snapshot
 * rebuilt on every change, so choosing a node for a call costs no call into Hazelcast.
 */
public final class ServiceTable implements AutoCloseable {
    static final String MAP = "aldis.rpc.services";

    private final HazelcastInstance hazelcast;
    private final String self;
    private final ReplicatedMap<String, String> map;
    private final UUID listener;
    private volatile Map<String, Map<String, Integer>> peers = Map.of();

    public ServiceTable(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.map = hazelcast.getReplicatedMap(MAP);
        this.listener = map.addEntryListener(new Changes());
        rebuild();
    }

    /** The other nodes' services and calls in flight, by member id in a stable order; only members in the cluster now. */
    public Map<String, Map<String, Integer>> peers() {
        return peers;
    }

    /** Publishes this node's services. */
    public void publish(Map<String, Integer> services) {
        map.put(self, encode(services));
    }

    /** Removes this node's entry: it serves no call of another node from now on. */
    public void withdraw() {
        map.remove(self);
    }

    /** Forgets a member that left. */
    public void forget(UUID member) {
        map.remove(member.toString());
        rebuild();
    }

    /** Reads the map again, for a change of membership. */
    public synchronized void rebuild() {
        Map<String, Map<String, Integer>> next = new TreeMap<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = m.getUuid().toString();
            String text = id.equals(self) ? null : map.get(id);
            if (text != null) {
                next.put(id, decode(text));
            }
        }
        peers = Collections.unmodifiableMap(next);
    }

    static String encode(Map<String, Integer> services) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(services).forEach((name, inFlight) -> text.append(name).append('\t').append(inFlight).append('\n'));
        return text.toString();
    }

    /** Reads {@link #encode}'s text; a line it cannot read is skipped, so a newer node's entry does not break an older one. */
    static Map<String, Integer> decode(String text) {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                try {
                    services.put(line.substring(0, tab), Math.max(0, Integer.parseInt(line.substring(tab + 1))));
                } catch (NumberFormatException unreadable) {
                    // skipped, as the javadoc says
                }
            }
        }
        return Collections.unmodifiableMap(services);
    }

    @Override
    public void close() {
        try {
            map.removeEntryListener(listener);
        } catch (RuntimeException alreadyDown) {
            // Hazelcast is shutting down
        }
    }

    private final class Changes implements EntryListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            rebuild();
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            rebuild();
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            rebuild();
        }

        @Override
        public void entryEvicted(EntryEvent<String, String> event) {
            rebuild();
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
            rebuild();
        }

        @Override
        public void mapCleared(MapEvent event) {
            rebuild();
        }

        @Override
        public void mapEvicted(MapEvent event) {
            rebuild();
        }
    }
}
