package io.aldis.feature.cluster.internal.addresses;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.aldis.feature.cluster.internal.membership.OnAnyChange;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where clients reach each node of the cluster, in a Hazelcast replicated map from member id to
 * that node's client addresses (one URI a line). Each node writes only its own entry; the list a
 * node gives its clients holds its own addresses first, then the entries of the other members in
 * the cluster now, in the cluster's order of members, so a member that died drops out of it at
 * once, whether or not its entry is still in the map. The {@link
 * io.aldis.feature.cluster.internal.ClusterEngine} drives it from its own membership hooks
 * ({@link #membersChanged}, {@link #forget}) and its periodic and post-merge {@link #refresh}.
 * Listeners run on the cluster's one scheduler thread, so they hear of the changes in order.
 */
public final class ClientAddressTable implements ClientAddressBook, AutoCloseable {
    static final String MAP = "aldis.clientAddresses";

    private final HazelcastInstance hazelcast;
    private final ScheduledExecutorService scheduler;
    private final ReplicatedMap<String, String> map;
    private final UUID entryListener;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** What this node announces; empty until {@link #announce} is called. */
    private volatile List<String> own = List.of();
    /** The member id this node's entry is under; Hazelcast gives a new one after a merge. */
    private volatile String self;
    private volatile List<String> current = List.of();

    public ClientAddressTable(HazelcastInstance hazelcast, ScheduledExecutorService scheduler) {
        this.hazelcast = hazelcast;
        this.scheduler = scheduler;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.map = hazelcast.getReplicatedMap(MAP);
        this.entryListener = map.addEntryListener(new OnAnyChange(this::changedSoon));
        rebuild();
    }

    /** Announces this node's own client addresses to the cluster (replacing what it announced before). */
    public void announce(List<String> addresses) {
        own = List.copyOf(addresses);
        scheduler.execute(this::writeOwn);
    }

    @Override
    public List<String> clientAddresses() {
        return current;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** A member joined: the list is read again on the scheduler (its entry may be there already). */
    public void membersChanged() {
        changedSoon();
    }

    /**
     * The member {@code id} left: its entry goes from the map, since a member that was killed or
     * cut off cannot withdraw it itself, and the list is read again. If the member comes back
     * after a split healed, its own {@link #refresh} writes its entry again.
     */
    public void forget(UUID id) {
        try {
            map.remove(id.toString());
        } catch (RuntimeException changing) {
            // Hazelcast is stopping or the members are changing: the next member that sees it leave removes it.
        }
        changedSoon();
    }

    /**
     * Writes this node's entry again when it is missing or under an old member id (after a split
     * healed, the merge may have dropped it or the member got a new id), and reads the table
     * again. Called on the scheduler thread, every second and after a merge.
     */
    public void refresh() {
        try {
            String now = hazelcast.getCluster().getLocalMember().getUuid().toString();
            if (!now.equals(self)) {
                String old = self;
                self = now;
                map.remove(old);
            }
            if (!own.isEmpty() && !String.join("\n", own).equals(map.get(self))) {
                writeOwn();
            }
            rebuild();
        } catch (RuntimeException e) {
            // Hazelcast is stopping or the cluster is changing: the next look tries again.
        }
    }

    private void writeOwn() {
        try {
            map.put(self, String.join("\n", own));
        } catch (RuntimeException stopping) {
            // Hazelcast is stopping or the cluster is changing: the next refresh writes it again.
        }
        rebuild();
    }

    private void changedSoon() {
        try {
            scheduler.execute(this::rebuild);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // The cluster is being left: nothing more to tell.
        }
    }

    /** Reads the table again and tells the listeners when the list changed; on the scheduler thread. */
    private void rebuild() {
        Set<String> addresses = new LinkedHashSet<>();
        add(addresses, String.join("\n", own));
        try {
            for (Member m : hazelcast.getCluster().getMembers()) {
                if (!m.localMember()) {
                    add(addresses, map.get(m.getUuid().toString()));
                }
            }
        } catch (RuntimeException stopping) {
            return;
        }
        List<String> next = List.copyOf(new ArrayList<>(addresses));
        if (next.equals(current)) {
            return;
        }
        current = next;
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                System.getLogger("io.aldis.cluster").log(System.Logger.Level.WARNING,
                        "A listener of the client addresses failed", e);
            }
        }
    }

    /** Adds the addresses of one entry (one a line) to {@code addresses}, up to what one frame holds. */
    private static void add(Set<String> addresses, String entry) {
        if (entry == null || entry.isEmpty()) {
            return;
        }
        for (String address : entry.split("\n")) {
            if (addresses.size() < NodeAddresses.MAX_ADDRESSES && !address.isBlank()) {
                addresses.add(address.trim());
            }
        }
    }

    /** Withdraws this node's entry, as it leaves the cluster. */
    @Override
    public void close() {
        listeners.clear();
        try {
            map.removeEntryListener(entryListener);
            map.remove(self);
        } catch (RuntimeException stopping) {
            // the others stop listing us when we leave anyway
        }
    }
}
