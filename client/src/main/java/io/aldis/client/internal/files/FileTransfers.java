package io.aldis.client.internal.files;

import io.aldis.client.AldisException;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.FilePage;
import io.aldis.client.FileTransferException;
import io.aldis.client.RemoteFile;
import io.aldis.client.SessionInfo;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadVerify;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The client's file transfers (docs/protocol.md 6.5): starts uploads and downloads, hands each
 * frame of a transfer to it by transfer id, tells the transfers when the connection breaks and
 * when a session that offers file transfer is back (so that they resume), and lists and removes
 * files. Frames and connection events arrive on the client's callback thread; each transfer does
 * its work, disk I/O included, on its own {@link TransferThread}.
 */
public final class FileTransfers {
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The pool transfers read, write and hash on: daemon threads, made as transfers need them. */
    public static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aldis-files-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** The most chunk data kept for transfers that do not know their id yet: far above a window of chunks. */
    private static final long MAX_EARLY_BYTES = 64L * 1024 * 1024;

    private final FileHost host;
    private final Executor pool;
    private final LongSupplier nanoClock;
    /** The machine's boot, which downloads tag their notes of the chunks written with; empty if unknown. */
    private final Optional<UUID> boot;
    /** Unfinished transfers. */
    private final List<FileTransfer> active = new CopyOnWriteArrayList<>();
    /** The same, by the node's transfer id once it has one. */
    private final Map<UUID, FileTransfer> byId = new ConcurrentHashMap<>();
    /**
     * Frames of a transfer id no transfer has yet, kept until the answer that names it (DOWNLOAD_ACCEPT,
     * RESUME_RESPONSE) has reached its transfer: the answer goes through the callback executor once more,
     * so chunks the node sent right behind it are consumed before it. Guarded by this.
     */
    private final Map<UUID, List<Frame>> early = new HashMap<>();
    private long earlyBytes;
    /** Uploads started and not finished: they split the memory one upload may hold. */
    private final AtomicInteger uploadsUnderway = new AtomicInteger();

    /**
     * Transfers that work on {@code pool} and time their progress with {@code nanoClock}, on a
     * machine in {@code boot}: downloads trust a note of the chunks written, left by an earlier
     * application, only when it was written in this boot ({@link #currentBoot()} unless a test plays
     * a restart of the machine).
     */
    public FileTransfers(FileHost host, Executor pool, LongSupplier nanoClock, Optional<UUID> boot) {
        this.host = host;
        this.pool = pool;
        this.nanoClock = nanoClock;
        this.boot = boot;
    }

    /** The boot this machine runs in, as its kernel tells it; empty where it does not. */
    public static Optional<UUID> currentBoot() {
        return WrittenChunksNote.currentBoot();
    }

    // ---------------------------------------------------------------- the application's requests

    /** Starts an upload. */
    public Transfer upload(Path local, String remoteName, TransferOptions options) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remoteName, "remoteName");
        UploadTransfer upload = new UploadTransfer(host, pool, options == null ? TransferOptions.defaults() : options,
                nanoClock, local, remoteName, uploadsUnderway::get);
        uploadsUnderway.incrementAndGet();
        upload.result().whenComplete((result, error) -> uploadsUnderway.decrementAndGet());
        return start(upload);
    }

    /** Starts a download. */
    public Transfer download(String remoteName, Path local, TransferOptions options) {
        Objects.requireNonNull(remoteName, "remoteName");
        Objects.requireNonNull(local, "local");
        return start(new DownloadTransfer(host, pool, options == null ? TransferOptions.defaults() : options,
                nanoClock, boot, remoteName, local));
    }

    private Transfer start(FileTransfer transfer) {
        transfer.onIdSet(this::adopt);
        active.add(transfer);
        transfer.result().whenComplete((result, error) -> forget(transfer));
        transfer.thread.execute(transfer::start);
        return new TransferHandle(transfer);
    }

    private void forget(FileTransfer transfer) {
        active.remove(transfer);
        byId.values().remove(transfer);
        List<UUID> unclaimed;
        synchronized (this) {
            if (!active.isEmpty() || early.isEmpty()) {
                return;
            }
            // No transfer is left to learn an id: what waited belongs to none of them.
            unclaimed = new ArrayList<>();
            early.forEach((id, frames) -> {
                if (frames.stream().anyMatch(f -> f instanceof ChunkData || f instanceof DownloadComplete)) {
                    unclaimed.add(id);
                }
            });
            early.clear();
            earlyBytes = 0;
        }
        unclaimed.forEach(this::refuse);
    }

    /** Hands {@code transfer} the frames that came for its id before it knew it, in the order they came. */
    private synchronized void adopt(FileTransfer transfer) {
        List<Frame> frames = early.remove(transfer.transferId());
        if (frames == null) {
            return;
        }
        for (Frame frame : frames) {
            earlyBytes -= sizeOf(frame);
            transfer.thread.execute(() -> transfer.onFrame(frame));
        }
    }

    /** Frames the node may send right behind a DOWNLOAD_ACCEPT or RESUME_RESPONSE, before the client answers. */
    private static boolean sentBeforeItsAnswer(Frame frame) {
        return frame instanceof ChunkData || frame instanceof DownloadComplete || frame instanceof TransferAbort;
    }

    private static int sizeOf(Frame frame) {
        return frame instanceof ChunkData chunk ? chunk.data().length : 0;
    }

    /** Tells the node to stop sending a transfer nobody here waits for (docs/protocol.md 6.5.6). */
    private void refuse(UUID transferId) {
        host.send(new TransferAbort(false, transferId, ErrorCode.TRANSFER_NOT_FOUND.code(),
                "this client has no transfer " + transferId, ""), error -> { });
    }

    /** Lists a page of the user's files. */
    public CompletableFuture<FilePage> list(String pattern, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset and limit cannot be negative: " + offset + ", " + limit));
        }
        long requestId = host.nextRequestId();
        return host.request(requestId, new ListRequest(requestId, pattern == null ? "" : pattern, offset, limit))
                .thenApply(answer -> {
                    if (!(answer instanceof ListResponse response)) {
                        throw new AldisException(ErrorCode.PROTOCOL_ERROR, "the node answered a listing with "
                                + answer.type());
                    }
                    List<RemoteFile> files = new ArrayList<>(response.entries().size());
                    for (FileEntry entry : response.entries()) {
                        files.add(new RemoteFile(entry.name(), entry.size(), Instant.ofEpochMilli(entry.modifiedMillis())));
                    }
                    return new FilePage(files, response.totalCount());
                });
    }

    /** Removes one of the user's files. */
    public CompletableFuture<Void> remove(String remoteName) {
        Objects.requireNonNull(remoteName, "remoteName");
        long requestId = host.nextRequestId();
        return host.request(requestId, new FileRemove(requestId, remoteName)).thenApply(answer -> null);
    }

    /** The most chunks an upload held in memory at once (read ahead, or not yet written); for diagnostics. */
    public static int maxChunksHeld(Transfer upload) {
        return TransferHandle.of(upload) instanceof UploadTransfer u ? u.maxChunksHeld() : 0;
    }

    /** Write-backs a download started while it wrote its partial file; for diagnostics. */
    public static int writeBacksStarted(Transfer download) {
        return TransferHandle.of(download) instanceof DownloadTransfer d ? d.writeBacksStarted() : 0;
    }

    // ---------------------------------------------------------------- frames, on the callback thread

    /** Takes the frames of file transfers; false for every other frame. */
    public boolean consume(Frame frame) {
        UUID transferId = switch (frame.type()) {
            case CHUNK_ACK -> ((ChunkAck) frame).transferId();
            case CHUNK_NACK -> ((ChunkNack) frame).transferId();
            case CHUNK_DATA -> ((ChunkData) frame).transferId();
            case UPLOAD_VERIFY -> ((UploadVerify) frame).transferId();
            case DOWNLOAD_COMPLETE -> ((DownloadComplete) frame).transferId();
            case TRANSFER_ABORT -> ((TransferAbort) frame).transferId();
            default -> null;
        };
        if (transferId == null) {
            return false;
        }
        synchronized (this) {
            // Under the lock that adopt() takes, so that no frame overtakes those kept for its transfer.
            FileTransfer transfer = find(transferId);
            if (transfer != null) {
                transfer.thread.execute(() -> transfer.onFrame(frame));
                return true;
            }
            if (sentBeforeItsAnswer(frame) && !active.isEmpty() && earlyBytes + sizeOf(frame) <= MAX_EARLY_BYTES) {
                early.computeIfAbsent(transferId, id -> new ArrayList<>()).add(frame);
                earlyBytes += sizeOf(frame);
                return true;
            }
        }
        if (frame instanceof ChunkData || frame instanceof DownloadComplete) {
            // Data nobody here waits for: the node should stop sending it.
            refuse(transferId);
        }
        return true;
    }

    private FileTransfer find(UUID transferId) {
        FileTransfer known = byId.get(transferId);
        if (known != null) {
            if (transferId.equals(known.id().orElse(null))) {
                return known;
            }
            // The transfer started over under a new id: frames of the old one are not its own.
            byId.remove(transferId, known);
        }
        for (FileTransfer transfer : active) {
            if (transferId.equals(transfer.id().orElse(null))) {
                byId.put(transferId, transfer);
                return transfer;
            }
        }
        return null;
    }

    /** What the transfers hear of the connection. */
    public ConnectionListener listener() {
        return new ConnectionListener() {
            @Override
            public void disconnected(DisconnectReason reason) {
                for (FileTransfer transfer : active) {
                    transfer.thread.execute(transfer::connectionLost);
                }
                if (!host.mayConnect()) {
                    failAll(new AldisException(ErrorCode.CONNECTION_LOST, "the client is not connected any more"));
                }
            }

            @Override
            public void reconnected(SessionInfo session) {
                sessionAvailable(session);
            }

            @Override
            public void capabilitiesChanged(SessionInfo session) {
                if (session.has(Capability.FILE_TRANSFER)) {
                    sessionAvailable(session);
                } else {
                    for (FileTransfer transfer : active) {
                        transfer.thread.execute(transfer::connectionLost);
                    }
                }
            }

            @Override
            public void reconnectFailed(AldisException cause) {
                failAll(cause);
            }
        };
    }

    private void sessionAvailable(SessionInfo session) {
        for (FileTransfer transfer : active) {
            transfer.thread.execute(() -> transfer.sessionAvailable(session));
        }
    }

    private void failAll(AldisException cause) {
        for (FileTransfer transfer : active) {
            transfer.thread.execute(() -> transfer.fail(new FileTransferException(cause.rawCode(),
                    "the transfer stopped at its checkpoint: " + cause.reason(), "", cause)));
        }
    }
}
