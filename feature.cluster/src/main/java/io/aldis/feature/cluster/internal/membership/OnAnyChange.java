package io.aldis.feature.cluster.internal.membership;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.map.MapEvent;

/**
 * Listens to a replicated table of the members (each member's entry, such as its interest or its
 * services) and runs one action on any change to it, whatever the change: the tables are read again
 * whole, so which entry changed does not matter.
 */
public final class OnAnyChange implements EntryListener<String, String> {
    private final Runnable action;

    public OnAnyChange(Runnable action) {
        this.action = action;
    }

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
        action.run();
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
        action.run();
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
        action.run();
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
        action.run();
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
        action.run();
    }

    @Override
    public void mapCleared(MapEvent event) {
        action.run();
    }

    @Override
    public void mapEvicted(MapEvent event) {
        action.run();
    }
}
