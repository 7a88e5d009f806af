package io.aldis.feature.filetransfer.internal.upload;

import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoint;
import io.aldis.feature.filetransfer.internal.quota.QuotaLedger.Reservation;
import io.aldis.feature.filetransfer.internal.transfers.Transfer;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.files.FileSha256;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * One upload's state. Arrival bookkeeping (the window) is done under the upload's lock as frames
 * arrive; everything that touches the partial file or the hash runs on the upload's
 * {@linkplain #work() serial executor}.
 */
public final class Upload extends Transfer {
    private final ChunkLayout layout;
    private final Compression compression;
    private final byte[] announcedHash;
    private final Reservation reservation;
    /** The file under the name when the upload was accepted: what it may replace when it is published. */
    private final Checkpoint.Replaces replaces;
    private final ChunkSet stored;
    /** Chunks that arrived and are not yet acknowledged, NACKed ones included: the sender's window. */
    private final Set<Integer> outstanding = new HashSet<>();
    private final Map<Integer, Integer> nacks = new HashMap<>();
    private volatile int window;
    /**
     * Chunks of this attachment that arrived and wait for, or are in, {@code store}: what the
     * upload holds in memory. A chunk sent again before it was answered adds to it, so this, not
     * {@link #outstanding}, is what the window must bound.
     */
    private int held;
    /** Counts {@link #restart}s, so that chunks of an earlier attachment do not count against this one. */
    private int attachment;
    PartialFile partial;
    final FileSha256 digest = new FileSha256();
    /** The first chunk not yet in {@link #digest}. */
    int hashedUpTo;
    /** Chunks stored since the checkpoint was last saved. */
    int unsaved;

    Upload(UUID id, String user, String name, ChunkLayout layout, Compression compression, byte[] announcedHash,
            Reservation reservation, Checkpoint.Replaces replaces, ChunkSet stored, int window, Executor pool) {
        super(id, user, name, pool);
        this.replaces = replaces;
        this.layout = layout;
        this.compression = compression;
        this.announcedHash = announcedHash.clone();
        this.reservation = reservation;
        this.stored = stored;
        this.window = window;
    }

    @Override
    public TransferDirection direction() {
        return TransferDirection.UPLOAD;
    }

    @Override
    public synchronized long[] progress() {
        return new long[] {stored.size(), layout.chunkCount(), layout.fileSize()};
    }

    public ChunkLayout layout() {
        return layout;
    }

    public Compression compression() {
        return compression;
    }

    public byte[] announcedHash() {
        return announcedHash.clone();
    }

    public Reservation reservation() {
        return reservation;
    }

    public Checkpoint.Replaces replaces() {
        return replaces;
    }

    public int window() {
        return window;
    }

    /** Whether a chunk is stored; under the upload's lock. */
    synchronized boolean isStored(int index) {
        return stored.contains(index);
    }

    synchronized boolean allStored() {
        return stored.isComplete();
    }

    synchronized void markStored(int index) {
        stored.add(index);
        outstanding.remove(index);
        nacks.remove(index);
    }

    /**
     * Counts a chunk that arrived and is to be stored.
     *
     * @return a ticket to give to {@link #handled(int)} once the chunk is no longer held; or -1
     *     when the chunk takes the sender beyond its window (more chunks unacknowledged, or more
     *     copies held here, than the window), and is not to be kept
     */
    synchronized int arrived(int index) {
        outstanding.add(index);
        if (outstanding.size() > window || held >= window) {
            return -1;
        }
        held++;
        return attachment;
    }

    /** A chunk counted by {@link #arrived(int)} with {@code ticket} is stored, refused or dropped. */
    synchronized void handled(int ticket) {
        if (ticket == attachment) {
            held--;
        }
    }

    /** Counts a NACK of chunk {@code index}; returns how many it has had. */
    synchronized int nacked(int index) {
        return nacks.merge(index, 1, Integer::sum);
    }

    /** The session resumes: nothing is in flight any more, with the window given from now on. */
    synchronized void restart(int newWindow) {
        outstanding.clear();
        nacks.clear();
        window = newWindow;
        // Chunks of the session before may still wait behind this: they are bounded by that
        // session's window and must not eat into the new one.
        held = 0;
        attachment++;
    }

    public synchronized ChunkSet storedCopy() {
        return ChunkSet.of(layout.chunkCount(), stored.heldRanges());
    }

    /** The checkpoint of what is stored now (callers sync the partial file first). */
    synchronized Checkpoint checkpoint(long now) {
        return new Checkpoint(TransferDirection.UPLOAD, id(), user(), name(), layout.fileSize(), layout.chunkSize(),
                compression, announcedHash, now, stored.heldRanges(), replaces);
    }
}
