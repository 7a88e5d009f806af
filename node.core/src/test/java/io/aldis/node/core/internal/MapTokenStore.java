package io.aldis.node.core.internal;

import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resume token store that nodes in one test share, kept in a map: as simple as the SPI lets a
 * store be (no cap), to test what the node does with a store, not a store.
 */
public final class MapTokenStore implements ResumeTokenStore {
    /** The grants, by key. */
    public final Map<String, ResumeGrant> grants = new ConcurrentHashMap<>();
    /** The keys {@link #resumed} was told of, in order. */
    public final List<String> resumed = new CopyOnWriteArrayList<>();

    @Override
    public void put(ResumeGrant grant, int maxPerUser) {
        grants.put(grant.key(), grant);
    }

    @Override
    public Optional<ResumeGrant> get(String key) {
        return Optional.ofNullable(grants.get(key));
    }

    @Override
    public boolean remove(String key) {
        return grants.remove(key) != null;
    }

    @Override
    public int removeUser(String user) {
        int before = grants.size();
        grants.values().removeIf(g -> g.user().equals(user));
        return before - grants.size();
    }

    @Override
    public void resumed(String key) {
        resumed.add(key);
    }
}
