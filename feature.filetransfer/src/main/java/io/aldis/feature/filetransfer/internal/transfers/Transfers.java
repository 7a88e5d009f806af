package io.aldis.feature.filetransfer.internal.transfers;

import io.aldis.protocol.api.spi.node.Session;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The transfers the node knows right now, running or waiting at a checkpoint, by id. */
public final class Transfers {
    /** The most ended transfers remembered; the oldest are forgotten first. */
    private static final int ENDED_KEPT = 10_000;

    private final Map<UUID, Transfer> byId = new ConcurrentHashMap<>();
    /** Transfers that ended lately, whose checkpoints may not be deleted yet: never loaded again. */
    private final Map<UUID, Boolean> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > ENDED_KEPT;
        }
    };

    public void add(Transfer transfer) {
        byId.put(transfer.id(), transfer);
    }

    /** The transfer, or null. */
    public Transfer get(UUID id) {
        return byId.get(id);
    }

    /**
     * The transfer {@code id} if it runs on {@code session}; null otherwise (another user's, another
     * session's, ended or unknown: all the same to the asking session).
     */
    public Transfer onSession(UUID id, Session session) {
        Transfer t = byId.get(id);
        return t != null && t.session() == session && !t.ended() ? t : null;
    }

    /** Adds {@code transfer} unless one with its id is there already; returns the one that is there. */
    public Transfer addIfAbsent(Transfer transfer) {
        Transfer before = byId.putIfAbsent(transfer.id(), transfer);
        return before != null ? before : transfer;
    }

    /** Forgets an ended transfer; its checkpoint, even while still on storage, is never resumed. */
    public void remove(Transfer transfer) {
        synchronized (ended) {
            ended.put(transfer.id(), Boolean.TRUE);
        }
        byId.remove(transfer.id(), transfer);
    }

    /**
     * Drops a transfer another node sharing the storage took over, without counting it as ended:
     * its checkpoint is that node's now, and this node may load it again when the client comes
     * back here.
     */
    public void drop(Transfer transfer) {
        byId.remove(transfer.id(), transfer);
    }

    /** Whether {@code id} ended during this node run (cancelled, discarded, completed or failed). */
    public boolean endedLately(UUID id) {
        synchronized (ended) {
            return ended.containsKey(id);
        }
    }

    /** The transfers running on {@code session}. */
    public List<Transfer> of(Session session) {
        List<Transfer> found = new ArrayList<>();
        for (Transfer t : byId.values()) {
            if (t.session() == session) {
                found.add(t);
            }
        }
        return found;
    }

    public Collection<Transfer> all() {
        return List.copyOf(byId.values());
    }
}
