package io.aldis.feature.cluster.internal.rpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.aldis.feature.cluster.internal.membership.OnAnyChange;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The RPC services every node serves, with their calls in flight there, in a Hazelcast replicated
 * map from member id to text (a line {@code name<TAB>inFlight<TAB>kind} per service, the kind
 * {@value #OSGI} for a service an OSGi service exports, {@value #CLIENT} for one a client
 * provides; a reader skips any field after those it knows). Each node writes only
 * its own entry; the entry of a member that left is removed by the others. Reads take a snapshot
 * rebuilt on every change, so choosing a node for a call costs no call into Hazelcast.
 */
public final class ServiceTable implements AutoCloseable {
    static final String MAP = "aldis.rpc.services";
    static final String OSGI = "osgi";
    static final String CLIENT = "client";

    private final HazelcastInstance hazelcast;
    /** This member's id; another after it merged back into a cluster. */
    private volatile String self;
    private final ReplicatedMap<String, String> map;
    private final UUID listener;
    private volatile Map<String, Map<String, Integer>> peers = Map.of();
    /** The services some other node exports as an OSGi service. */
    private volatile Set<String> exportedByPeers = Set.of();
    /** The other nodes whose clients provide a service, by service. */
    private volatile Map<String, Set<String>> clientProviders = Map.of();

    public ServiceTable(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.map = hazelcast.getReplicatedMap(MAP);
        this.listener = map.addEntryListener(new OnAnyChange(this::rebuild));
        rebuild();
    }

    /** The other nodes' services and calls in flight, by member id in a stable order; only members in the cluster now. */
    public Map<String, Map<String, Integer>> peers() {
        return peers;
    }

    /** Whether another node announced {@code service} as exported by an OSGi service there. */
    public boolean exportedByPeer(String service) {
        return exportedByPeers.contains(service);
    }

    /** The other nodes (member ids) that announced {@code service} as provided by a client of theirs. */
    public Set<String> clientProviders(String service) {
        return clientProviders.getOrDefault(service, Set.of());
    }

    /** Publishes this node's services, as {@link #encode} writes them. */
    public void publish(String text) {
        map.put(self, text);
    }

    /** Removes this node's entry: it serves no call of another node from now on. */
    public void withdraw() {
        map.remove(self);
    }

    /**
     * Follows this member to the id Hazelcast gave it when it merged into another cluster: drops
     * the entry under the old id and reads the map again. The caller publishes this node's
     * services again under the new id.
     */
    public void rekey() {
        String old = self;
        self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        if (!old.equals(self)) {
            map.remove(old);
        }
        rebuild();
    }

    /** Forgets a member that left. */
    public void forget(UUID member) {
        map.remove(member.toString());
        rebuild();
    }

    /** Reads the map again, for a change of membership. */
    public synchronized void rebuild() {
        Map<String, Map<String, Integer>> next = new TreeMap<>();
        Set<String> exported = new HashSet<>();
        Map<String, Set<String>> byClients = new HashMap<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            String id = m.getUuid().toString();
            String text = id.equals(self) ? null : map.get(id);
            if (text != null) {
                next.put(id, decode(text));
                exported.addAll(ofKind(text, OSGI));
                for (String service : ofKind(text, CLIENT)) {
                    byClients.computeIfAbsent(service, k -> new HashSet<>()).add(id);
                }
            }
        }
        exportedByPeers = Set.copyOf(exported);
        Map<String, Set<String>> frozen = new HashMap<>();
        byClients.forEach((service, ids) -> frozen.put(service, Set.copyOf(ids)));
        clientProviders = Map.copyOf(frozen);
        peers = Collections.unmodifiableMap(next);
    }

    /**
     * This node's entry: each service with its calls in flight and its kind, {@value #OSGI} for
     * those in {@code exported}, {@value #CLIENT} for the others.
     */
    static String encode(Map<String, Integer> services, Set<String> exported) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(services).forEach((name, inFlight) -> text.append(name).append('\t').append(inFlight)
                .append('\t').append(exported.contains(name) ? OSGI : CLIENT).append('\n'));
        return text.toString();
    }

    /** The services of an entry announced with {@code kind}; an entry without kinds has none. */
    static Set<String> ofKind(String text, String kind) {
        Set<String> names = new HashSet<>();
        for (String line : text.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length >= 3 && !fields[0].isEmpty() && fields[2].equals(kind)) {
                names.add(fields[0]);
            }
        }
        return names;
    }

    /**
     * Reads {@link #encode}'s text: the name and the calls in flight of each line, skipping the
     * fields after them; a line it cannot read is skipped, so a newer node's entry does not break
     * an older one.
     */
    static Map<String, Integer> decode(String text) {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length >= 2 && !fields[0].isEmpty()) {
                try {
                    services.put(fields[0], Math.max(0, Integer.parseInt(fields[1])));
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
}
