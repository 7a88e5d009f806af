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

    public Checkpoints(FileStore store) {
        this.store = store;
    }

    public void save(Checkpoint checkpoint) throws IOException {
        store.writeState(checkpoint.id().toString(), CheckpointCodec.encode(checkpoint));
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
