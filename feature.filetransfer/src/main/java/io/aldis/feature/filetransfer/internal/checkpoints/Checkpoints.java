package io.aldis.feature.filetransfer.internal.checkpoints;

import io.aldis.feature.filetransfer.api.FileStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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
     * When this node last saved each checkpoint: on a storage root that several nodes share, a
     * stored checkpoint saved at another time was saved by another node, which has taken the
     * transfer over.
     */
    private final Map<UUID, Long> savedHere = new ConcurrentHashMap<>();

    public Checkpoints(FileStore store) {
        this.store = store;
    }

    public void save(Checkpoint checkpoint) throws IOException {
        store.writeState(checkpoint.id().toString(), CheckpointCodec.encode(checkpoint));
        savedHere.put(checkpoint.id(), checkpoint.savedMillis());
    }

    /**
     * Whether the stored checkpoint of {@code id} is the one this node saved last: false when
     * another node sharing the storage saved one since, or deleted it (it finished the transfer).
     */
    public boolean savedLastHere(UUID id) throws IOException {
        Long mine = savedHere.get(id);
        return mine != null && load(id) instanceof Loaded loaded && loaded.checkpoint().savedMillis() == mine;
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
        Long mine = savedHere.get(id);
        if (mine == null || mine >= savedBefore) {
            return false;
        }
        if (load(id) instanceof Loaded loaded && loaded.checkpoint().savedMillis() == mine) {
            save(loaded.checkpoint().savedAt(now));
            return true;
        }
        return false;
    }

    /** Forgets what this node saved of {@code id}, leaving the stored checkpoint to the node that has it now. */
    public void forget(UUID id) {
        savedHere.remove(id);
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
        savedHere.remove(id);
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
