package io.aldis.client.internal.files;

import io.aldis.client.FileTransferException;
import io.aldis.client.SessionInfo;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.files.FileSha256;
import io.aldis.protocol.api.files.WriteBack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One download (docs/protocol.md 6.5.4): DOWNLOAD_REQUEST, then each chunk checked with
 * {@link ChunkCodec}, written at its offset into the partial file beside the target and
 * acknowledged (or NACKed with the check's code), the SHA-256 computed in file order as chunks
 * become contiguous, and on DOWNLOAD_COMPLETE the hash compared, the file synced and renamed onto
 * the target in one step, and DOWNLOAD_VERIFY sent. A checkpoint beside the partial file lets a
 * restarted application go on with RESUME_REQUEST: it names the chunks synced, and a
 * {@link WrittenChunksNote} names those written since, for a restart after a crash of the
 * application alone.
 */
final class DownloadTransfer extends FileTransfer {
    /**
     * The most the checkpoint lags behind the chunks stored, in bytes: beyond it the transfer waits
     * for a checkpoint on its own thread. With the usual windows it lags about half a window
     * ({@link #checkpointEvery}). After a crash the node sends again what the checkpoint does not name.
     */
    static final long CHECKPOINT_AT_MOST_EVERY_BYTES = 32L << 20;
    /**
     * How much is written to the partial file before its dirty pages are written back, off the
     * transfer's thread; the checkpoint's sync, and the last one, otherwise did it all while the
     * download waited.
     */
    static final long WRITE_BACK_EVERY_BYTES = 8L << 20;
    /**
     * The most runs of chunks held the note names (8 bytes each): far above what arrives out of
     * order within a window, and small enough to write before every acknowledgement.
     */
    static final int MAX_NOTED_RANGES = 1024;

    private final String remoteName;
    private final Path target;
    private final Path partial;
    private final Path checkpointFile;
    private final Path noteFile;
    private final Optional<UUID> boot;
    private final Executor pool;

    private long fileSize;
    private byte[] fileHash;
    private ChunkLayout layout;
    private Compression compression;
    private ChunkSet stored;
    private FileChannel out;
    /**
     * Null where the kernel does not tell its boot, after the note could not be written, or when
     * the chunks held are scattered in more than {@link #MAX_NOTED_RANGES} runs.
     */
    private WrittenChunksNote note;
    /** The chunks held, as the note names them. */
    private HeldRanges noted;
    private volatile WriteBack writeBack;
    private FileSha256 sha;
    /** Chunks below this are in {@link #sha}. */
    private int hashedUpTo;
    private long bytesStored;
    /** Bytes stored when the last checkpoint was begun, here or in the background. */
    private long bytesAtCheckpoint;
    /** Bytes stored between two checkpoints, from the window the node announced. */
    private long checkpointEveryBytes = CHECKPOINT_AT_MOST_EVERY_BYTES;
    /** Whether a checkpoint is being synced and written off the transfer's thread. */
    private boolean checkpointing;
    /** DOWNLOAD_COMPLETE came while a checkpoint's sync ran: the end waits for that sync's outcome. */
    private boolean completeAfterCheckpoint;
    /**
     * Held while the checkpoint file is written or deleted, and guards the two fields below: the
     * background checkpoint runs on the pool, and must neither overwrite a newer checkpoint nor
     * bring back one the transfer deleted.
     */
    private final Object checkpointFileLock = new Object();
    /** Bytes stored that the checkpoint file names. */
    private long bytesInCheckpointFile;
    /** Counts the partial file's closings, so that a checkpoint synced before one is not written after it. */
    private long fileClosings;
    private ProgressMeter progress;

    DownloadTransfer(FileHost host, Executor pool, TransferOptions options, LongSupplier nanoClock,
            Optional<UUID> boot, String remoteName, Path target) {
        super(host, pool, options, nanoClock);
        this.pool = pool;
        this.boot = boot;
        this.remoteName = remoteName;
        this.target = target;
        this.partial = DownloadCheckpoint.partialOf(target);
        this.checkpointFile = DownloadCheckpoint.fileOf(target);
        this.noteFile = WrittenChunksNote.fileOf(target);
    }

    // ---------------------------------------------------------------- beginning

    @Override
    void begin(SessionInfo session) {
        DownloadCheckpoint checkpoint = DownloadCheckpoint.readFor(target);
        if (checkpoint != null && checkpoint.remoteName().equals(remoteName) && restore(checkpoint)) {
            askToResume();
            return;
        }
        // No checkpoint, a damaged one, or one for another file: whatever is there is not trusted.
        discard();
        request(session);
    }

    private boolean restore(DownloadCheckpoint checkpoint) {
        try {
            if (!Files.isRegularFile(partial) || Files.size(partial) > checkpoint.fileSize()) {
                return false;
            }
            layout = new ChunkLayout(checkpoint.fileSize(), checkpoint.chunkSize());
            ChunkSet synced = ChunkSet.of(layout.chunkCount(), checkpoint.stored());
            List<ChunkRange> held = new ArrayList<>(checkpoint.stored());
            List<ChunkRange> written = writtenSinceTheCheckpoint(checkpoint.transferId());
            if (written != null && holdsAll(written)) {
                held.addAll(written);
            } else {
                // Gone before a chunk of this run could make it look trustworthy again.
                CheckpointFile.delete(noteFile);
            }
            stored = ChunkSet.of(layout.chunkCount(), held);
            open(false);
            bytesAtCheckpoint = ChunkBytes.of(layout, synced);
        } catch (IOException | RuntimeException unusable) {
            return false;
        }
        setId(checkpoint.transferId());
        fileSize = checkpoint.fileSize();
        fileHash = checkpoint.fileHash();
        compression = checkpoint.compression();
        bytesStored = ChunkBytes.of(layout, stored);
        synchronized (checkpointFileLock) {
            bytesInCheckpointFile = bytesAtCheckpoint;
        }
        return true;
    }

    /** The chunks the note from this boot names, or null when there is none to trust. */
    private List<ChunkRange> writtenSinceTheCheckpoint(UUID transferId) {
        return boot.map(now -> WrittenChunksNote.read(noteFile, transferId, now)).orElse(null);
    }

    /** Whether every chunk {@code ranges} name is one of the file's, and ends within the partial file. */
    private boolean holdsAll(List<ChunkRange> ranges) throws IOException {
        long length = Files.size(partial);
        for (ChunkRange range : ranges) {
            if (!layout.holds(range.last()) || layout.offsetOf(range.last()) + layout.sizeOf(range.last()) > length) {
                return false;
            }
        }
        return true;
    }

    private void request(SessionInfo session) {
        closeFile();
        setId(null);
        Compression accepted;
        try {
            accepted = compressionFor(session);
        } catch (FileTransferException e) {
            fail(e);
            return;
        }
        long requestId = host.nextRequestId();
        phase = Phase.ASKING;
        host.request(requestId, new DownloadRequest(requestId, remoteName, options.chunkSize(), accepted))
                .whenComplete((answer, error) -> thread.execute(() -> {
                    if (error != null) {
                        requestFailed(error);
                    } else if (answer instanceof DownloadReject reject) {
                        fail(Rejections.of(reject.code(), reject.reason(), reject.details(),
                                "the node refused the download"));
                    } else if (answer instanceof DownloadAccept accept) {
                        accepted(accept, accepted);
                    }
                }));
    }

    private void accepted(DownloadAccept accept, Compression asked) {
        if (phase == Phase.DONE) {
            host.send(new TransferAbort(false, accept.transferId(), ErrorCode.CANCELLED.code(),
                    "cancelled by the application", ""), error -> { });
            return;
        }
        ChunkLayout announced;
        try {
            announced = new ChunkLayout(accept.fileSize(), accept.chunkSize());
        } catch (IllegalArgumentException e) {
            announced = null;
        }
        if (announced == null || announced.chunkCount() != accept.chunkCount()
                || asked == Compression.NONE && accept.compression() != Compression.NONE) {
            abortAndFail(ErrorCode.PROTOCOL_ERROR, "the node announced the download as " + accept.chunkCount()
                    + " chunks of " + accept.chunkSize() + " bytes for " + accept.fileSize() + " bytes, compression "
                    + accept.compression() + " (asked: " + asked + ")", accept);
            return;
        }
        setId(accept.transferId());
        layout = announced;
        fileSize = accept.fileSize();
        fileHash = accept.fileHash();
        compression = accept.compression();
        stored = new ChunkSet(layout.chunkCount());
        bytesStored = 0;
        bytesAtCheckpoint = 0;
        checkpointEveryBytes = checkpointEvery(accept.window(), layout.chunkSize());
        try {
            open(true);
        } catch (IOException e) {
            abortAndFail(ErrorCode.STORAGE_ERROR, "cannot write " + partial + ": " + IoFailures.describe(e), accept);
            return;
        }
        if (saveCheckpoint()) {
            running();
        }
    }

    private void abortAndFail(ErrorCode code, String message, DownloadAccept accept) {
        host.send(new TransferAbort(false, accept.transferId(), code.code(), message, ""), error -> { });
        discard();
        fail(new FileTransferException(code, message));
    }

    private void running() {
        phase = Phase.RUNNING;
        if (progress == null) {
            progress = new ProgressMeter(options.progress().orElse(null), host, nanoClock,
                    options.progressInterval().toNanos(), fileSize);
        }
    }

    /** Opens the partial file, empty or as it is, and hashes again what it already holds in order. */
    private void open(boolean fresh) throws IOException {
        closeFile();
        if (partial.getParent() != null) {
            Files.createDirectories(partial.getParent());
        }
        out = fresh
                ? FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
        writeBack = new WriteBack(out, pool, WRITE_BACK_EVERY_BYTES);
        note = boot.map(now -> new WrittenChunksNote(noteFile, now)).orElse(null);
        noted = new HeldRanges(stored.heldRanges());
        sha = new FileSha256();
        hashedUpTo = 0;
        hashStoredInOrder();
    }

    // ---------------------------------------------------------------- chunks

    @Override
    void onFrame(Frame frame) {
        if (phase == Phase.DONE) {
            return;
        }
        if (frame instanceof ChunkData chunk) {
            chunk(chunk);
        } else if (frame instanceof DownloadComplete) {
            completed();
        } else if (frame instanceof TransferAbort abort) {
            aborted(abort);
        }
    }

    private void chunk(ChunkData data) {
        if (phase != Phase.RUNNING) {
            return; // sent before a resume was agreed; the node sends the missing chunks again
        }
        int index = data.chunkIndex();
        if (!layout.holds(index)) {
            chunksResent++;
            host.send(new ChunkNack(transferId(), index, ErrorCode.CHUNK_OUT_OF_RANGE.code()), error -> { });
            return;
        }
        if (stored.contains(index)) {
            host.send(new ChunkAck(transferId(), index), error -> { });
            return;
        }
        byte[] bytes;
        try {
            // Written and hashed below, then let go: a compressed chunk may use this thread's buffer.
            bytes = ChunkCodec.decodeTransient(data.compressed(), data.data(), data.originalSize(),
                    layout.sizeOf(index), data.crc32());
        } catch (ProtocolException e) {
            chunksResent++; // the node reads it again and resends it
            host.send(new ChunkNack(transferId(), index, e.code().code()), error -> { });
            return;
        }
        try {
            write(bytes, layout.offsetOf(index));
        } catch (IOException e) {
            storageFailed(e);
            return;
        }
        stored.add(index);
        if (index == hashedUpTo) {
            sha.update(bytes);
            hashedUpTo++;
            try {
                hashStoredInOrder();
            } catch (IOException e) {
                storageFailed(e);
                return;
            }
        }
        noteWritten(index);
        bytesStored += bytes.length;
        moved(bytes.length);
        progress.update(bytesStored);
        if (bytesStored - bytesAtCheckpoint >= checkpointEveryBytes) {
            if (!checkpointing) {
                checkpointInBackground();
            } else if (bytesStored - bytesInCheckpointFile() >= CHECKPOINT_AT_MOST_EVERY_BYTES) {
                // The disk is slower than the chunks come: this one waits for it, and with it the node,
                // so that a crash never costs more than before the checkpoints went to the background.
                if (!saveCheckpoint()) {
                    return;
                }
            }
        }
        host.send(new ChunkAck(transferId(), index), error -> { });
    }

    private void write(byte[] bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer, position + buffer.position());
        }
        writeBack.written(bytes.length);
    }

    /**
     * Notes the chunks written so far before the last one is acknowledged: once the node has an
     * acknowledgement, only a crash of the machine makes it send the chunk again.
     */
    private void noteWritten(int index) {
        if (note == null) {
            return;
        }
        noted.add(index);
        if (noted.count() > MAX_NOTED_RANGES) {
            // Scattered beyond reason: a crash then costs what the checkpoint does not name.
            note.delete();
            note = null;
            return;
        }
        try {
            note.write(transferId(), noted.list());
        } catch (IOException e) {
            // The download goes on without it: a crash then costs what the checkpoint does not name.
            note.delete();
            note = null;
            System.getLogger(DownloadTransfer.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write " + noteFile + ": " + IoFailures.describe(e));
        }
    }

    /** Write-backs started since the partial file was last opened. */
    int writeBacksStarted() {
        WriteBack now = writeBack;
        return now == null ? 0 : now.started();
    }

    /** Makes what was written durable, reporting a write-back that failed meanwhile. */
    private void sync(boolean metaData) throws IOException {
        // A sync that failed before, here or in a background checkpoint, fails this one too.
        writeBack.sync(metaData);
    }

    /** Hashes the chunks stored right after those hashed, reading them back: only those that came early. */
    private void hashStoredInOrder() throws IOException {
        while (hashedUpTo < layout.chunkCount() && stored.contains(hashedUpTo)) {
            byte[] chunk = new byte[layout.sizeOf(hashedUpTo)];
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            long position = layout.offsetOf(hashedUpTo);
            while (buffer.hasRemaining()) {
                if (out.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException(partial + " is shorter than the chunks it should hold");
                }
            }
            sha.update(chunk);
            hashedUpTo++;
        }
    }

    private void storageFailed(IOException e) {
        String message = "cannot write " + partial + ": " + IoFailures.describe(e);
        host.send(new TransferAbort(false, transferId(), ErrorCode.STORAGE_ERROR.code(), message, ""), error -> { });
        discard();
        fail(new FileTransferException(ErrorCode.STORAGE_ERROR, message, e));
    }

    // ---------------------------------------------------------------- the end

    private void completed() {
        if (phase != Phase.RUNNING) {
            return;
        }
        if (checkpointing) {
            // Its sync may be the one the kernel tells of a lost page: the file is published only after it.
            completeAfterCheckpoint = true;
            return;
        }
        if (!stored.isComplete()) {
            host.send(new DownloadVerify(false, transferId()), error -> { });
            discard();
            fail(new FileTransferException(ErrorCode.PROTOCOL_ERROR, "the node ended the download with "
                    + (layout.chunkCount() - stored.size()) + " chunks not sent"));
            return;
        }
        byte[] computed = sha.digest();
        if (!Arrays.equals(computed, fileHash)) {
            host.send(new DownloadVerify(false, transferId()), error -> { });
            discard();
            fail(new FileTransferException(ErrorCode.FILE_HASH_MISMATCH, "the SHA-256 of the file received differs "
                    + "from the one the node announced; nothing was written to " + target + (resumed
                            ? " (the part kept from before the resume may have been damaged on this side;"
                                    + " the same download again starts over)"
                            : "")));
            return;
        }
        try {
            sync(true);
            closeFile();
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // The node sent the right file; only this side could not keep it.
            host.send(new DownloadVerify(true, transferId()), error -> { });
            discard();
            fail(new FileTransferException(ErrorCode.STORAGE_ERROR, "cannot move the downloaded file onto " + target
                    + ": " + IoFailures.describe(e), e));
            return;
        }
        deleteCheckpoint();
        host.send(new DownloadVerify(true, transferId()), error -> { });
        progress.update(fileSize);
        succeed(new TransferResult(remoteName, target, fileSize, computed, chunksResent, resumed));
    }

    // ---------------------------------------------------------------- resuming

    @Override
    void suspend() {
        if (out != null && stored != null && transferId() != null) {
            saveCheckpoint();
        }
    }

    @Override
    void resume(SessionInfo session) {
        if (transferId() == null) {
            request(session);
            return;
        }
        askToResume();
    }

    private void askToResume() {
        phase = Phase.ASKING;
        long requestId = host.nextRequestId();
        host.request(requestId, new ResumeRequest(requestId, transferId(), TransferDirection.DOWNLOAD, fileHash,
                stored.heldRanges())).whenComplete((answer, error) -> thread.execute(() -> {
                    if (error != null) {
                        requestFailed(error);
                    } else if (answer instanceof ResumeResponse response && phase == Phase.ASKING) {
                        resumeAnswered(response);
                    }
                }));
    }

    private void resumeAnswered(ResumeResponse response) {
        if (response.status() != ResumeStatus.RESUMABLE || response.chunkSize() != layout.chunkSize()
                || response.totalChunks() != layout.chunkCount()) {
            // NOT_FOUND, FILE_CHANGED, STATE_CORRUPTED, EXPIRED: the download starts again.
            discard();
            SessionInfo now = host.openSession();
            if (now == null) {
                setId(null); // the next session sends DOWNLOAD_REQUEST
                phase = Phase.WAITING;
                return;
            }
            request(now);
            return;
        }
        resumed = true;
        checkpointEveryBytes = checkpointEvery(response.window(), layout.chunkSize());
        running();
    }

    /**
     * Half the window's bytes (at least a chunk, at most {@link #CHECKPOINT_AT_MOST_EVERY_BYTES}):
     * a crash then costs what was on its way (a window at most) and what the checkpoint did not
     * name yet, about half a window more, instead of up to 32 MB. The syncs each checkpoint needs
     * (the partial file's, then the checkpoint file's own) run off the transfer's thread, so the
     * chunks keep coming meanwhile.
     */
    static long checkpointEvery(int window, int chunkSize) {
        long half = (long) window * chunkSize / 2;
        return Math.min(CHECKPOINT_AT_MOST_EVERY_BYTES, Math.max(chunkSize, half));
    }

    /**
     * Brings the checkpoint up to date with the chunks stored now, without making the transfer
     * wait for the disk: on the pool, the partial file is synced, and once that succeeded the
     * checkpoint is written, naming only chunks written before the sync began.
     */
    private void checkpointInBackground() {
        checkpointing = true;
        bytesAtCheckpoint = bytesStored;
        WriteBack back = writeBack;
        long closings = fileClosings;
        long bytes = bytesStored;
        DownloadCheckpoint next = new DownloadCheckpoint(transferId(), remoteName, fileSize, fileHash,
                layout.chunkSize(), compression, stored.heldRanges());
        pool.execute(() -> {
            IOException syncFailed = null;
            try {
                back.sync(false);
                writeCheckpointIfNewer(next, bytes, closings);
            } catch (IOException e) {
                syncFailed = e;
            }
            IOException failure = syncFailed;
            thread.execute(() -> checkpointDone(closings, failure));
        });
    }

    private long bytesInCheckpointFile() {
        synchronized (checkpointFileLock) {
            return bytesInCheckpointFile;
        }
    }

    /** On the pool: writes {@code next} unless the file was closed since, or a newer checkpoint is there. */
    private void writeCheckpointIfNewer(DownloadCheckpoint next, long bytes, long closings) {
        synchronized (checkpointFileLock) {
            if (closings != fileClosings || bytes <= bytesInCheckpointFile) {
                return;
            }
            try {
                next.writeTo(checkpointFile);
                bytesInCheckpointFile = bytes;
            } catch (IOException e) {
                // Without a newer checkpoint the download still runs; only a crash would fetch more again.
                System.getLogger(DownloadTransfer.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot write the download checkpoint " + checkpointFile + ": " + IoFailures.describe(e));
            }
        }
    }

    private void checkpointDone(long closings, IOException syncFailed) {
        checkpointing = false;
        if (syncFailed != null && closings == fileClosings && phase != Phase.DONE) {
            // The kernel tells one sync of a lost page, and this was the one: the last sync could not know.
            storageFailed(syncFailed);
        }
        if (completeAfterCheckpoint) {
            completeAfterCheckpoint = false;
            completed();
        }
    }

    /**
     * Syncs the partial file and writes the checkpoint; false when the sync failed, which fails the
     * download (a checkpoint file that cannot be written costs only what a crash would fetch again).
     */
    private boolean saveCheckpoint() {
        try {
            // The chunks the checkpoint names must be on disk before it says so.
            sync(false);
        } catch (IOException e) {
            storageFailed(e);
            return false;
        }
        try {
            synchronized (checkpointFileLock) {
                new DownloadCheckpoint(transferId(), remoteName, fileSize, fileHash, layout.chunkSize(), compression,
                        stored.heldRanges()).writeTo(checkpointFile);
                bytesInCheckpointFile = bytesStored;
            }
            bytesAtCheckpoint = bytesStored;
        } catch (IOException e) {
            System.getLogger(DownloadTransfer.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the download checkpoint " + checkpointFile + ": " + IoFailures.describe(e));
        }
        return true;
    }

    @Override
    void discard() {
        closeFile();
        deleteCheckpoint();
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // A partial file left behind is never taken for the target, and a new download truncates it.
        }
    }

    @Override
    void close() {
        closeFile();
    }

    private void deleteCheckpoint() {
        synchronized (checkpointFileLock) {
            CheckpointFile.delete(checkpointFile);
            bytesInCheckpointFile = 0;
        }
        CheckpointFile.delete(noteFile); // closed with the partial file, before
    }

    private void closeFile() {
        synchronized (checkpointFileLock) {
            fileClosings++;
        }
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing after a failure; the failure is what gets reported
            }
            out = null;
        }
        if (note != null) {
            note.close();
            note = null;
        }
    }
}
