package io.aldis.client.internal.files;

import io.aldis.client.AldisException;
import io.aldis.client.FileTransferException;
import io.aldis.client.SessionInfo;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What uploads and downloads share: the result, the phase, the node's transfer id, cancelling,
 * and going on after a broken connection or an abort the node says is resumable. Everything but
 * {@link #id()}, {@link #result()} and {@link #cancel()} runs on the transfer's own thread.
 */
abstract class FileTransfer implements Transfer {
    /** 32 zero bytes: the upload's hash comes with UPLOAD_COMPLETE (docs/protocol.md 5.7). */
    static final byte[] HASH_LATER = new byte[32];
    /** Resumes in a row that brought nothing done: beyond this a resumable abort is taken as final. */
    private static final int MAX_FRUITLESS_RESUMES = 3;

    enum Phase {
        /** Waiting for a session that offers file transfer. */
        WAITING,
        /** UPLOAD_REQUEST/DOWNLOAD_REQUEST or RESUME_REQUEST sent, answer awaited. */
        ASKING,
        /** Chunks are moving. */
        RUNNING,
        /** COMPLETE sent (upload) and VERIFY awaited. */
        FINISHING,
        DONE
    }

    final FileHost host;
    final TransferThread thread;
    final TransferOptions options;
    final LongSupplier nanoClock;
    private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
    private volatile UUID id;
    private volatile Consumer<FileTransfer> idListener = transfer -> { };
    Phase phase = Phase.WAITING;
    /** Whether the transfer went on from a checkpoint at least once. */
    boolean resumed;
    int chunksResent;
    /** Written on the transfer's thread only; read on any. */
    private volatile long bytesMoved;
    private int fruitlessResumes;
    /** Set once {@link #begin} ran; a transfer that waited for its first session begins then. */
    private boolean started;

    FileTransfer(FileHost host, Executor pool, TransferOptions options, LongSupplier nanoClock) {
        this.host = host;
        this.thread = new TransferThread(pool);
        this.options = options;
        this.nanoClock = nanoClock;
    }

    @Override
    public Optional<UUID> id() {
        return Optional.ofNullable(id);
    }

    @Override
    public CompletableFuture<TransferResult> result() {
        return result;
    }

    @Override
    public void cancel() {
        thread.execute(() -> {
            if (phase == Phase.DONE) {
                return;
            }
            UUID transfer = id;
            if (transfer != null && host.openSession() != null) {
                host.send(new TransferAbort(false, transfer, ErrorCode.CANCELLED.code(), "cancelled by the application",
                        ""), error -> { });
            }
            discard();
            fail(new FileTransferException(ErrorCode.CANCELLED, "the transfer was cancelled by the application"));
        });
    }

    /** Whether the transfer has ended, one way or the other. */
    boolean done() {
        return phase == Phase.DONE;
    }

    void setId(UUID transferId) {
        id = transferId;
        if (transferId != null) {
            idListener.accept(this);
        }
    }

    /** Tells {@code listener}, on the transfer's thread, each time the transfer learns its id from the node. */
    void onIdSet(Consumer<FileTransfer> listener) {
        idListener = listener;
    }

    UUID transferId() {
        return id;
    }

    // ---------------------------------------------------------------- what each direction does

    /** Begins: from a checkpoint when there is a usable one, otherwise with a new request. */
    abstract void begin(SessionInfo session);

    /** Goes on in a new session, or in the same one after a resumable abort. */
    abstract void resume(SessionInfo session);

    /** Handles a frame of this transfer. */
    abstract void onFrame(Frame frame);

    /** The connection is gone: chunks in flight are lost, the checkpoint stays. */
    abstract void suspend();

    /** Deletes what the transfer left behind (checkpoint, partial file) when it ends for good. */
    abstract void discard();

    /** Releases open files when the transfer ends. */
    abstract void close();

    // ---------------------------------------------------------------- shared steps, on the transfer's thread

    /** Starts in {@code session}, or waits for one. */
    final void start() {
        SessionInfo session = host.openSession();
        if (session == null) {
            if (!host.mayConnect()) {
                fail(new FileTransferException(ErrorCode.CONNECTION_LOST, "the client is not connected"));
            }
            return;
        }
        if (!session.has(Capability.FILE_TRANSFER) || !announced(Capability.FILE_TRANSFER)) {
            fail(new FileTransferException(ErrorCode.CAPABILITY_UNAVAILABLE, "the node does not offer file transfer"));
            return;
        }
        started = true;
        begin(session);
    }

    /** A new session, or the capability came back: goes on if the transfer waits for one. */
    final void sessionAvailable(SessionInfo session) {
        if (phase == Phase.DONE || !session.has(Capability.FILE_TRANSFER)) {
            return;
        }
        if (phase != Phase.WAITING) {
            return;
        }
        if (!started) {
            started = true;
            begin(session);
        } else {
            resume(session);
        }
    }

    /** The connection broke or file transfer went away: stop at the checkpoint and wait. */
    final void connectionLost() {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.WAITING;
        suspend();
    }

    /** The node ended the transfer: resumable, it goes on (now, or once file transfer is back); else it fails. */
    final void aborted(TransferAbort abort) {
        if (!abort.resumable() || ++fruitlessResumes > MAX_FRUITLESS_RESUMES) {
            discardIfGone(abort.resumable());
            fail(failure(abort.code(), "the node ended the transfer", abort.reason(), abort.details()));
            return;
        }
        phase = Phase.WAITING;
        suspend();
        SessionInfo session = host.openSession();
        if (session != null && session.has(Capability.FILE_TRANSFER)) {
            resume(session);
        }
    }

    private void discardIfGone(boolean nodeKeepsIt) {
        if (!nodeKeepsIt) {
            discard();
        }
    }

    /**
     * A chunk of {@code bytes} reached the other side (upload) or this one (download); resumable
     * aborts count as fruitless again only from here on.
     */
    final void moved(int bytes) {
        bytesMoved += bytes;
        fruitlessResumes = 0;
    }

    @Override
    public long bytesMoved() {
        return bytesMoved;
    }

    /**
     * A request or resume was not answered: a lost connection or file transfer going away waits
     * for the next chance; anything else ends the transfer.
     */
    final void requestFailed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (phase == Phase.DONE) {
            return;
        }
        if (cause instanceof AldisException a && (a.code() == ErrorCode.CONNECTION_INTERRUPTED
                || a.code() == ErrorCode.CONNECTION_LOST || a.code() == ErrorCode.CAPABILITY_UNAVAILABLE)) {
            phase = Phase.WAITING;
            suspend();
            SessionInfo session = host.openSession();
            if (a.code() != ErrorCode.CAPABILITY_UNAVAILABLE && session != null
                    && session.has(Capability.FILE_TRANSFER)) {
                resume(session);
            }
            return;
        }
        if (cause instanceof AldisException a) {
            fail(new FileTransferException(a.rawCode(), a.reason(), "", a));
        } else {
            fail(new FileTransferException(ErrorCode.INTERNAL_ERROR, "the transfer failed: " + cause, cause));
        }
    }

    final void succeed(TransferResult value) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        close();
        host.onCallbackThread(() -> result.complete(value));
    }

    final void fail(FileTransferException failure) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        close();
        host.onCallbackThread(() -> result.completeExceptionally(failure));
    }

    /** The compression for this transfer: as asked, or adaptive when both sides have LZ4. */
    final Compression compressionFor(SessionInfo session) {
        boolean bothHaveLz4 = session.has(Capability.LZ4) && announced(Capability.LZ4);
        Optional<Compression> asked = options.compression();
        if (asked.isEmpty()) {
            return bothHaveLz4 ? Compression.ADAPTIVE : Compression.NONE;
        }
        if (asked.get() != Compression.NONE && !bothHaveLz4) {
            throw new FileTransferException(ErrorCode.CAPABILITY_UNAVAILABLE, "compression " + asked.get()
                    + " needs LZ4 on both sides, and " + (session.has(Capability.LZ4) ? "this client" : "the node")
                    + " does not offer it");
        }
        return asked.get();
    }

    private boolean announced(Capability capability) {
        return (host.announcedCapabilities() & capability.mask()) != 0;
    }

    /** A failure in the protocol's words, with the node's reason and details. */
    static FileTransferException failure(int code, String what, String reason, String details) {
        String message = reason == null || reason.isEmpty() ? what : what + ": " + reason;
        return new FileTransferException(code, message, details, null);
    }
}
