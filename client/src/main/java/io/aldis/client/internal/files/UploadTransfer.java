package io.aldis.client.internal.files;

import io.aldis.client.AldisException;
import io.aldis.client.FileTransferException;
import io.aldis.client.SessionInfo;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.files.CompressionTrials;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * One upload (docs/protocol.md 6.5.3): UPLOAD_REQUEST with the hash to come, then the chunks the
 * {@link UploadReader} reads ahead, sent within the node's window, each NACKed one read again and
 * resent, UPLOAD_COMPLETE with the file's SHA-256 once every chunk is acknowledged, and the result
 * on UPLOAD_VERIFY. After a broken connection or a resumable abort it asks to resume and sends
 * exactly the chunks the node misses.
 *
 * <p>What the upload holds in memory is bounded whatever the file's size: the reader's chunks not
 * yet sent ({@link #READ_AHEAD_BYTES}) and the chunks handed to the connection but not yet written
 * to the socket ({@link #UNWRITTEN_BYTES}); chunks on the wire are not kept (a NACKed one is read
 * again from the file). Uploads underway at once split both bounds, each keeping at least 2 chunks
 * of each, so that many uploads hold about as much as one.
 */
final class UploadTransfer extends FileTransfer {
    static final int READ_AHEAD_BYTES = 16 << 20;
    static final int UNWRITTEN_BYTES = 16 << 20;
    /** How often the checkpoint notes the chunks acknowledged, in bytes acknowledged. */
    private static final long CHECKPOINT_EVERY_BYTES = 64L << 20;

    private final Path local;
    private final String remoteName;
    private final Path checkpointFile;
    private final Executor pool;
    /** How many uploads of this client are underway, this one included: they share the memory bounds. */
    private final IntSupplier uploadsUnderway;

    // the transfer as the node accepted it
    private long fileSize;
    private long maxFileSize;
    private long modifiedMillis;
    private ChunkLayout layout;
    private Compression compression;
    /** Whether chunks go compressed, tried on this upload while it runs; made with its reader. */
    private CompressionTrials trials;
    private int window;
    private ChunkSet acked;
    private FileChannel source;

    // chunks on the move
    private UploadReader reader;
    private final ArrayDeque<UploadReader.ReadChunk> ready = new ArrayDeque<>();
    private final BitSet inFlight = new BitSet();
    private int inFlightCount;
    private final BitSet resend = new BitSet();
    private int unwritten;
    /** Counts the connections the upload sent on, so that a late write failure of an earlier one is told apart. */
    private int connection;
    private int maxHeld;
    private byte[] hash;
    private long bytesAcked;
    private long bytesAtCheckpoint;
    private ProgressMeter progress;

    UploadTransfer(FileHost host, Executor pool, TransferOptions options, LongSupplier nanoClock, Path local,
            String remoteName, IntSupplier uploadsUnderway) {
        super(host, pool, options, nanoClock);
        this.pool = pool;
        this.uploadsUnderway = uploadsUnderway;
        this.local = local;
        this.remoteName = remoteName;
        this.checkpointFile = UploadCheckpoint.fileOf(options.checkpointDirectory(), local, remoteName);
    }

    // ---------------------------------------------------------------- beginning

    @Override
    void begin(SessionInfo session) {
        UploadCheckpoint checkpoint = UploadCheckpoint.readFrom(checkpointFile);
        if (checkpoint != null && matches(checkpoint)) {
            restore(checkpoint);
            askToResume();
            return;
        }
        if (checkpoint != null) {
            // The file changed since: the node need not keep the old transfer's chunks and space.
            abandon(checkpoint.transferId(), "the file changed since the upload began");
        }
        CheckpointFile.delete(checkpointFile);
        request(session);
    }

    private void abandon(UUID transferId, String reason) {
        host.send(new TransferAbort(false, transferId, ErrorCode.CANCELLED.code(), reason, ""), error -> { });
    }

    private boolean matches(UploadCheckpoint checkpoint) {
        return checkpoint.remoteName().equals(remoteName)
                && checkpoint.local().equals(local.toAbsolutePath().normalize().toString())
                && unchangedSince(checkpoint.fileSize(), checkpoint.modifiedMillis());
    }

    private void restore(UploadCheckpoint checkpoint) {
        setId(checkpoint.transferId());
        fileSize = checkpoint.fileSize();
        modifiedMillis = checkpoint.modifiedMillis();
        layout = new ChunkLayout(fileSize, checkpoint.chunkSize());
        compression = checkpoint.compression();
        acked = ChunkSet.of(layout.chunkCount(), checkpoint.acknowledged());
    }

    /** Sends UPLOAD_REQUEST for the file as it is now. */
    private void request(SessionInfo session) {
        reset();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(local, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                fail(new FileTransferException(ErrorCode.STORAGE_ERROR, local + " is not a file"));
                return;
            }
            compression = compressionFor(session);
        } catch (IOException e) {
            fail(new FileTransferException(ErrorCode.STORAGE_ERROR, "cannot read " + local + ": " + IoFailures.describe(e), e));
            return;
        } catch (FileTransferException e) {
            fail(e);
            return;
        }
        fileSize = attributes.size();
        maxFileSize = session.maxFileSize();
        modifiedMillis = attributes.lastModifiedTime().toMillis();
        int maxChunk = session.maxChunkSize() > 0 ? session.maxChunkSize() : 256 * 1024;
        int chunkSize = options.chunkSize() > 0 ? Math.min(options.chunkSize(), maxChunk) : maxChunk;
        ChunkLayout asked = new ChunkLayout(fileSize, chunkSize);
        long requestId = host.nextRequestId();
        phase = Phase.ASKING;
        host.request(requestId, new UploadRequest(requestId, remoteName, fileSize, HASH_LATER, asked.chunkCount(),
                chunkSize, compression, "")).whenComplete((answer, error) -> thread.execute(() -> {
                    if (error != null) {
                        requestFailed(error);
                    } else {
                        answered(answer);
                    }
                }));
    }

    private void answered(Frame answer) {
        if (answer instanceof UploadReject reject) {
            if (phase != Phase.DONE) {
                fail(Rejections.ofUpload(reject.code(), reject.reason(), reject.details(), fileSize, maxFileSize));
            }
        } else if (answer instanceof UploadAccept accept) {
            accepted(accept);
        }
    }

    private void accepted(UploadAccept accept) {
        if (phase == Phase.DONE) {
            // Cancelled while the request was on its way: the node must not keep waiting for chunks.
            host.send(new TransferAbort(false, accept.transferId(), ErrorCode.CANCELLED.code(),
                    "cancelled by the application", ""), error -> { });
            return;
        }
        if (accept.chunkSize() < 1 || accept.window() < 1) {
            fail(new FileTransferException(ErrorCode.PROTOCOL_ERROR, "the node accepted the upload with chunk size "
                    + accept.chunkSize() + " and window " + accept.window()));
            return;
        }
        setId(accept.transferId());
        layout = new ChunkLayout(fileSize, accept.chunkSize());
        window = accept.window();
        acked = new ChunkSet(layout.chunkCount());
        saveCheckpoint();
        run(new BitSet());
    }

    // ---------------------------------------------------------------- sending

    /** Starts the chunks moving; {@code held} are those the node has, for a reader starting from 0. */
    private void run(BitSet held) {
        phase = Phase.RUNNING;
        if (progress == null) {
            progress = new ProgressMeter(options.progress().orElse(null), host, nanoClock,
                    options.progressInterval().toNanos(), fileSize);
        }
        if (reader == null) {
            try {
                source = FileChannel.open(local, StandardOpenOption.READ);
            } catch (IOException e) {
                fail(new FileTransferException(ErrorCode.STORAGE_ERROR, "cannot read " + local + ": " + IoFailures.describe(e), e));
                return;
            }
            hash = null;
            // Alone, the reader keeps up to READ_AHEAD_BYTES ahead of the window.
            int lead = window + Math.max(2, READ_AHEAD_BYTES / layout.chunkSize());
            trials = new CompressionTrials(compression, layout, lead, nanoClock);
            IntSupplier readAhead = () -> capacity(READ_AHEAD_BYTES);
            // The reader's hand-overs name it, so that those of a reader replaced meanwhile are dropped.
            UploadReader[] self = new UploadReader[1];
            self[0] = new UploadReader(source, transferId(), layout, trials, held, readAhead, pool,
                    chunk -> thread.execute(() -> chunkRead(self[0], chunk)),
                    digest -> thread.execute(() -> hashed(self[0], digest)),
                    error -> thread.execute(() -> readFailed(self[0], error)));
            reader = self[0];
            reader.start();
        }
        pump();
    }

    /**
     * This upload's share of {@code bytes}, in chunks: the uploads underway split it, so that many
     * uploads at once hold no more than one would, and each gets at least 2 chunks.
     */
    private int capacity(int bytes) {
        return Math.max(2, bytes / layout.chunkSize() / Math.max(1, uploadsUnderway.getAsInt()));
    }

    private void chunkRead(UploadReader from, UploadReader.ReadChunk chunk) {
        if (phase == Phase.DONE || from != reader) {
            chunk.release();
            return;
        }
        ready.add(chunk);
        noteHeld();
        pump();
    }

    private void hashed(UploadReader from, byte[] digest) {
        if (from != reader) {
            return;
        }
        hash = digest;
        pump();
    }

    private void readFailed(UploadReader from, IOException error) {
        if (from != reader) {
            return;
        }
        readFailed(error);
    }

    private void readFailed(IOException error) {
        if (error.getCause() instanceof OutOfMemoryError) {
            // A lack of memory passes: the checkpoint and the node's transfer stay for the same upload to resume.
            System.getLogger(UploadTransfer.class.getName()).log(System.Logger.Level.WARNING,
                    "upload of " + local + " stopped: " + error.getMessage(), error.getCause());
            fail(new FileTransferException(ErrorCode.BUSY, "cannot upload " + local + " now: " + error.getMessage()
                    + "; uploading it again goes on from where it stopped", error));
            return;
        }
        if (transferId() != null) {
            // The node would otherwise keep the transfer, and its reserved space, until its retention ran out.
            host.send(new TransferAbort(false, transferId(), ErrorCode.STORAGE_ERROR.code(),
                    "the client cannot read the file any more", ""), e -> { });
        }
        discard();
        fail(new FileTransferException(ErrorCode.STORAGE_ERROR, "cannot read " + local + ": " + IoFailures.describe(error),
                error));
    }

    /** Sends what may go now: chunks to resend first, then those read ahead; then COMPLETE when all are in. */
    private void pump() {
        if (phase != Phase.RUNNING) {
            return;
        }
        int maxUnwritten = capacity(UNWRITTEN_BYTES);
        while (inFlightCount < window && unwritten < maxUnwritten) {
            int again = resend.nextSetBit(0);
            if (again >= 0) {
                resend.clear(again);
                if (!needed(again)) {
                    continue;
                }
                Frame chunk;
                try {
                    chunk = UploadReader.readAgain(source, transferId(), layout, again, trials.forChunk(again));
                } catch (IOException e) {
                    readFailed(e);
                    return;
                }
                chunksResent++;
                send(again, chunk);
                continue;
            }
            UploadReader.ReadChunk next = ready.poll();
            if (next == null) {
                break;
            }
            reader.taken();
            if (needed(next.index())) {
                send(next.index(), next.frame());
            } else {
                next.release();
            }
        }
        if (acked.isComplete() && hash != null && inFlightCount == 0) {
            phase = Phase.FINISHING;
            host.send(new UploadComplete(transferId(), hash), error -> { });
        }
    }

    private static boolean isBusy(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof AldisException a && a.code() == ErrorCode.BUSY;
    }

    private boolean needed(int index) {
        return !acked.contains(index) && !inFlight.get(index);
    }

    /** Sends chunk {@code index} as {@code chunk}, its CHUNK_DATA, which the connection takes over. */
    private void send(int index, Frame chunk) {
        inFlight.set(index);
        inFlightCount++;
        unwritten++;
        noteHeld();
        int sentIn = connection;
        host.sendTracked(chunk).whenComplete((ok, error) -> thread.execute(() -> {
                    unwritten--;
                    if (error != null && sentIn == connection && inFlight.get(index) && isBusy(error)) {
                        // Not written because the client's queue of frames held while paused was full: send it
                        // again. Any other failure means the connection is going, and the resume sorts it out.
                        inFlight.clear(index);
                        inFlightCount--;
                        resend.set(index);
                    }
                    pump();
                }));
    }

    private void noteHeld() {
        maxHeld = Math.max(maxHeld, heldNow());
    }

    /** Chunks in memory now: read ahead and not yet sent, and sent but not yet written to the socket. */
    private int heldNow() {
        return (reader == null ? 0 : reader.buffered()) + unwritten;
    }

    /** The most chunks this upload held in memory at once. */
    int maxChunksHeld() {
        return maxHeld;
    }

    // ---------------------------------------------------------------- the node's answers

    @Override
    void onFrame(Frame frame) {
        if (phase == Phase.DONE) {
            return;
        }
        if (frame instanceof ChunkAck ack) {
            acknowledged(ack.chunkIndex());
        } else if (frame instanceof ChunkNack nack) {
            refused(nack.chunkIndex());
        } else if (frame instanceof UploadVerify verify) {
            verified(verify);
        } else if (frame instanceof TransferAbort abort) {
            aborted(abort);
        }
    }

    private void acknowledged(int index) {
        if (phase != Phase.RUNNING || !layout.holds(index) || !inFlight.get(index)) {
            return; // a late or repeated ACK, or one from before a resume
        }
        inFlight.clear(index);
        inFlightCount--;
        acked.add(index);
        trials.acknowledged(index);
        bytesAcked += layout.sizeOf(index);
        moved(layout.sizeOf(index));
        progress.update(bytesAcked);
        if (bytesAcked - bytesAtCheckpoint >= CHECKPOINT_EVERY_BYTES) {
            saveCheckpoint();
        }
        pump();
    }

    private void refused(int index) {
        if (phase != Phase.RUNNING || !layout.holds(index) || !inFlight.get(index)) {
            return;
        }
        inFlight.clear(index);
        inFlightCount--;
        resend.set(index);
        pump();
    }

    private void verified(UploadVerify verify) {
        if (phase != Phase.FINISHING) {
            return;
        }
        CheckpointFile.delete(checkpointFile);
        if (!verify.verified()) {
            fail(new FileTransferException(ErrorCode.FILE_HASH_MISMATCH, "the node stored a file whose SHA-256 differs "
                    + "from the one read here; the upload must start again"));
            return;
        }
        String stored = verify.storedName().isEmpty() ? remoteName : verify.storedName();
        progress.update(fileSize);
        succeed(new TransferResult(stored, local, fileSize, hash, chunksResent, resumed));
    }

    // ---------------------------------------------------------------- resuming

    @Override
    void suspend() {
        // Whatever was in flight is lost with the connection or will be named in chunksMissing.
        connection++;
        inFlight.clear();
        inFlightCount = 0;
        if (transferId() != null && acked != null) {
            saveCheckpoint();
        }
    }

    @Override
    void resume(SessionInfo session) {
        if (transferId() == null) {
            request(session);
            return;
        }
        if (!unchangedSince(fileSize, modifiedMillis)) {
            // The node only learns the hash at the end, so a changed file must not go on from the old chunks.
            abandon(transferId(), "the file changed since the upload began");
            CheckpointFile.delete(checkpointFile);
            request(session);
            return;
        }
        askToResume();
    }

    /** Whether the file still has the size and modification time it had when the upload began. */
    private boolean unchangedSince(long size, long modified) {
        try {
            BasicFileAttributes now = Files.readAttributes(local, BasicFileAttributes.class);
            return now.size() == size && now.lastModifiedTime().toMillis() == modified;
        } catch (IOException e) {
            return false;
        }
    }

    private void askToResume() {
        phase = Phase.ASKING;
        long requestId = host.nextRequestId();
        host.request(requestId, new ResumeRequest(requestId, transferId(), TransferDirection.UPLOAD, HASH_LATER,
                acked.heldRanges())).whenComplete((answer, error) -> thread.execute(() -> {
                    if (error != null) {
                        requestFailed(error);
                    } else if (answer instanceof ResumeResponse response && phase == Phase.ASKING) {
                        resumeAnswered(response);
                    }
                }));
    }

    private void resumeAnswered(ResumeResponse response) {
        if (response.status() != ResumeStatus.RESUMABLE || response.chunkSize() != layout.chunkSize()
                || response.totalChunks() != layout.chunkCount() || response.window() < 1) {
            // The node cannot go on with it (NOT_FOUND, FILE_CHANGED, STATE_CORRUPTED, EXPIRED): start again.
            CheckpointFile.delete(checkpointFile);
            SessionInfo now = host.openSession();
            if (now == null) {
                reset(); // the next session sends UPLOAD_REQUEST
                phase = Phase.WAITING;
                return;
            }
            request(now);
            return;
        }
        resumed = true;
        window = response.window();
        if (trials != null) {
            trials.interrupted();
        }
        BitSet missing = new BitSet(layout.chunkCount());
        for (ChunkRange range : response.chunksMissing()) {
            missing.set(range.first(), Math.min(range.last(), layout.chunkCount() - 1) + 1);
        }
        ChunkSet held = new ChunkSet(layout.chunkCount());
        for (int i = missing.nextClearBit(0); i < layout.chunkCount(); i = missing.nextClearBit(i + 1)) {
            held.add(i);
        }
        acked = held;
        bytesAcked = ChunkBytes.of(layout, held);
        if (reader != null) {
            // Missing chunks the reader has passed and not handed over are read again; the others it will send.
            int readUpTo = Math.min(reader.next(), layout.chunkCount());
            resend.clear();
            for (int i = missing.nextSetBit(0); i >= 0 && i < readUpTo; i = missing.nextSetBit(i + 1)) {
                resend.set(i);
            }
            for (UploadReader.ReadChunk chunk : ready) {
                resend.clear(chunk.index());
            }
            run(null);
        } else {
            BitSet skip = new BitSet(layout.chunkCount());
            for (int i = 0; i < layout.chunkCount(); i++) {
                if (held.contains(i)) {
                    skip.set(i);
                }
            }
            run(skip);
        }
    }

    // ---------------------------------------------------------------- ending

    private void saveCheckpoint() {
        List<ChunkRange> acknowledged = acked.heldRanges();
        try {
            Files.createDirectories(checkpointFile.getParent());
            new UploadCheckpoint(transferId(), local.toAbsolutePath().normalize().toString(), remoteName, fileSize,
                    modifiedMillis, layout.chunkSize(), compression, acknowledged).writeTo(checkpointFile);
            bytesAtCheckpoint = bytesAcked;
        } catch (IOException e) {
            // Without a checkpoint the upload still runs; only a restart of the application starts it over.
            System.getLogger(UploadTransfer.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the upload checkpoint " + checkpointFile + ": " + IoFailures.describe(e));
        }
    }

    /** Forgets the chunks of an earlier attempt before a new UPLOAD_REQUEST. */
    private void reset() {
        closeSource();
        setId(null);
        dropReady();
        inFlight.clear();
        inFlightCount = 0;
        resend.clear();
        hash = null;
        bytesAcked = 0;
        bytesAtCheckpoint = 0;
        progress = null;
    }

    @Override
    void discard() {
        CheckpointFile.delete(checkpointFile);
    }

    @Override
    void close() {
        closeSource();
        dropReady();
    }

    /** Drops the chunks read and not sent, releasing what they hold. */
    private void dropReady() {
        UploadReader.ReadChunk chunk;
        while ((chunk = ready.poll()) != null) {
            chunk.release();
        }
    }

    private void closeSource() {
        if (reader != null) {
            reader.stop();
            reader = null;
        }
        if (source != null) {
            try {
                source.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
            source = null;
        }
    }
}
