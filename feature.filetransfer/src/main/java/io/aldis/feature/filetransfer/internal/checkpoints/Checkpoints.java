package io.aldis.feature.filetransfer.internal.checkpoints;

import io.aldis.feature.filetransfer.api.FileStore;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/** Checkpoints kept as states of the {@link FileStore}, one per transfer, keyed by its id. */
public final class Checkpoints {
    /** What {@link #load} found. */
    public sealed interface Found permits Loaded, Corrupted, Missing {
    }

    public record Loaded(Checkpoint checkpoint) implements Found {
    }

    public record Corrupted(String why) implements Found {
    }

    public record Missing() implements Found {
    }

    private final FileStore store;
    /**
     * Written into every checkpoint this instance saves: on a storage root that several nodes
     * share, a stored checkpoint with another owner was saved by another node (or by this node
     * before it restarted), which has taken the transfer over.
     */
    private final UUID owner = UUID.randomUUID();

    public Checkpoints(FileStore store) {
        this.store = store;
    }

    /** Saves the checkpoint as this store's. */
    public void save(Checkpoint checkpoint) throws IOException {
        store.writeState(checkpoint.id().toString(), CheckpointCodec.encode(checkpoint.ownedBy(owner)));
    }

    /**
     * Whether the stored checkpoint of {@code id} is one this store saved: false when another node
     * sharing the storage saved one since, or deleted it (it finished the transfer).
     */
    public boolean savedLastHere(UUID id) throws IOException {
        return load(id) instanceof Loaded loaded && loaded.checkpoint().owner().equals(owner);
    }

    /**
     * Saves the stored checkpoint of {@code id} again as of {@code now} when this node saved it
     * last and did so before {@code savedBefore}: it keeps a transfer that runs here from looking
     * abandoned to the sweeps of other nodes sharing the storage. The chunks it lists stay those
     * synced when it was saved. The caller holds the transfer's lock.
     *
     * @return whether it was saved again
     */
    public boolean refreshIfOurs(UUID id, long savedBefore, long now) throws IOException {
        if (load(id) instanceof Loaded loaded && loaded.checkpoint().owner().equals(owner)
                && loaded.checkpoint().savedMillis() < savedBefore) {
            save(loaded.checkpoint().savedAt(now));
            return true;
        }
        return false;
    }

    public Found load(UUID id) throws IOException {
        byte[] bytes = store.readState(id.toString());
        if (bytes == null) {
            return new Missing();
        }
        try {
            return new Loaded(CheckpointCodec.decode(bytes));
        } catch (CheckpointCodec.CorruptedException e) {
            return new Corrupted(e.getMessage());
        }
    }

    public void delete(UUID id) throws IOException {
        store.deleteState(id.toString());
    }

    /** The ids of every checkpoint kept. */
    public List<UUID> ids() throws IOException {
        return store.states().stream().map(key -> {
            try {
                return UUID.fromString(key);
            } catch (IllegalArgumentException notOurs) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).toList();
    }
}
