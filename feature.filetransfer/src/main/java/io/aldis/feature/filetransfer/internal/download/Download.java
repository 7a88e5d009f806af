package io.aldis.feature.filetransfer.internal.download;

import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoint;
import io.aldis.feature.filetransfer.internal.transfers.Transfer;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.files.CompressionTrials;
import io.aldis.protocol.api.spi.node.Session;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * One download's state. All of it is touched only on the download's {@linkplain #work() serial
 * executor}: acknowledgements and sends take turns there.
 */
public final class Download extends Transfer {
    private final ChunkLayout layout;
    private final Compression compression;
    /** Whether chunks go compressed, tried on this download while it runs. */
    final CompressionTrials trials;
    private final byte[] hash;
    ReadableFile file;
    ChunkSet acked;
    final Set<Integer> inFlight = new HashSet<>();
    final ArrayDeque<Integer> resend = new ArrayDeque<>();
    final Map<Integer, Integer> nacks = new HashMap<>();
    int next;
    int window;
    boolean completeSent;
    /** The session whose turning writable again sends more, while the download waits for that. */
    private Session watched;
    private AutoCloseable writableHook;

    Download(UUID id, String user, String name, ReadableFile file, ChunkLayout layout, Compression compression,
            byte[] hash, int window, Executor pool) {
        super(id, user, name, pool);
        this.file = file;
        this.layout = layout;
        this.compression = compression;
        this.trials = new CompressionTrials(compression, layout, window);
        this.hash = hash.clone();
        this.acked = new ChunkSet(layout.chunkCount());
        this.window = window;
    }

    @Override
    public TransferDirection direction() {
        return TransferDirection.DOWNLOAD;
    }

    @Override
    public long[] progress() {
        ChunkSet a = acked;
        return new long[] {a.size(), layout.chunkCount(), layout.fileSize()};
    }

    public ChunkLayout layout() {
        return layout;
    }

    public Compression compression() {
        return compression;
    }

    public byte[] hash() {
        return hash.clone();
    }

    /** Closes the file; a later resume opens it again and checks it is still the same. */
    public void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (java.io.IOException ignored) {
                // nothing more to release
            }
            file = null;
        }
    }

    /**
     * Runs {@code more} each time {@code session} turns writable again, until {@link #stopWatching};
     * a download that goes on over another session watches that one instead.
     */
    void watchWritability(Session session, Runnable more) {
        if (watched == session) {
            return;
        }
        stopWatching();
        watched = session;
        writableHook = session.onWritable(more);
    }

    /** Stops watching the session's writability. */
    void stopWatching() {
        if (writableHook != null) {
            try {
                writableHook.close();
            } catch (Exception ignored) {
                // the session is gone: nothing left to remove
            }
            writableHook = null;
            watched = null;
        }
    }

    /** Starts again from what the client holds, with nothing in flight. */
    void restart(ChunkSet held, int newWindow) {
        acked = held;
        inFlight.clear();
        resend.clear();
        nacks.clear();
        next = 0;
        window = newWindow;
        completeSent = false;
        trials.interrupted();
    }

    Checkpoint checkpoint(long now) {
        return new Checkpoint(TransferDirection.DOWNLOAD, id(), user(), name(), layout.fileSize(), layout.chunkSize(),
                compression, hash, now, List.of());
    }
}
