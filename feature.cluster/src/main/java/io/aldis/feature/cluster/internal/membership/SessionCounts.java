package io.aldis.feature.cluster.internal.membership;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.util.UUID;

/**
 * How many sessions each node has open, for {@code aldis:cluster-list}: a Hazelcast replicated
 * map from member id to the count as text, each node writing only its own entry when its count
 * changed (looked at about every second), the entry of a member that left removed by the others.
 * Reading is local, so listing the members costs no call between nodes.
 */
public final class SessionCounts {
    static final String MAP = "aldis.sessions";

    private final HazelcastInstance hazelcast;
    private final ReplicatedMap<String, String> map;
    /** This member's id; it changes when the member merges after a split. */
    private String self;
    private int published = -1;

    public SessionCounts(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getReplicatedMap(MAP);
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Announces this node's count, if it changed since the last announcement. */
    public synchronized void publish(int sessions) {
        // Also when the entry is gone: after a split heals, a member's late removal may take it.
        if (sessions != published || !map.containsKey(self)) {
            map.put(self, Integer.toString(sessions));
            published = sessions;
        }
    }

    /** The count a member announced, or -1 when it announced none. */
    public int of(String memberId) {
        String text = map.get(memberId);
        if (text == null) {
            return -1;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Forgets a member that left. */
    public void forget(UUID member) {
        map.remove(member.toString());
    }

    /** Follows this member to its id after a merge; the count is announced again under it. */
    public synchronized void rekey() {
        String old = self;
        self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        if (!old.equals(self)) {
            map.remove(old);
        }
        published = -1;
    }

    /** Removes this node's entry, as it leaves the cluster. */
    public synchronized void withdraw() {
        map.remove(self);
    }
}
