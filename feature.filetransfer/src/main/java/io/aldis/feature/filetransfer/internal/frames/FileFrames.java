package io.aldis.feature.filetransfer.internal.frames;

import io.aldis.feature.filetransfer.internal.FilesContext;
import io.aldis.feature.filetransfer.internal.download.Download;
import io.aldis.feature.filetransfer.internal.download.Downloads;
import io.aldis.feature.filetransfer.internal.listing.Listing;
import io.aldis.feature.filetransfer.internal.transfers.Resumption;
import io.aldis.feature.filetransfer.internal.transfers.Transfer;
import io.aldis.feature.filetransfer.internal.upload.Upload;
import io.aldis.feature.filetransfer.internal.upload.Uploads;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.TransferLimits;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The file-transfer frames a client sends, decoded and handed to the part that serves them. It
 * also tells the core the file limits CONNECT_ACK announces while the feature runs. Work that
 * reads or writes storage at length runs on the feature's pool, never on the core's threads for
 * longer than a check.
 */
public final class FileFrames implements FrameHandler, TransferLimits {
    private static final Set<FrameType> TYPES = EnumSet.of(FrameType.UPLOAD_REQUEST, FrameType.DOWNLOAD_REQUEST,
            FrameType.CHUNK_DATA, FrameType.CHUNK_ACK, FrameType.CHUNK_NACK, FrameType.UPLOAD_COMPLETE,
            FrameType.DOWNLOAD_VERIFY, FrameType.LIST_REQUEST, FrameType.RESUME_REQUEST, FrameType.TRANSFER_ABORT,
            FrameType.FILE_REMOVE);

    private final FilesContext context;
    private final Uploads uploads;
    private final Downloads downloads;
    private final Listing listing;
    private final Resumption resumption;

    public FileFrames(FilesContext context, Uploads uploads, Downloads downloads, Listing listing,
            Resumption resumption) {
        this.context = context;
        this.uploads = uploads;
        this.downloads = downloads;
        this.listing = listing;
        this.resumption = resumption;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return TYPES;
    }

    @Override
    public long maxFileSize() {
        return context.settings().get().maxFileSize();
    }

    @Override
    public int maxChunkSize() {
        return context.settings().get().maxChunkSize();
    }

    @Override
    public void handle(Session session, Frame frame) throws Exception {
        if (frame instanceof UploadRequest r) {
            uploads.request(session, r);
        } else if (frame instanceof DownloadRequest r) {
            context.pool().execute(() -> downloads.request(session, r));
        } else if (frame instanceof ChunkData c) {
            if (running(session, c.transferId()) instanceof Upload u) {
                uploads.chunk(u, c);
            } else {
                notFound(session, c.transferId());
            }
        } else if (frame instanceof ChunkAck a) {
            // An answer for a transfer not running here is late (sent across a reconnect): dropped.
            if (running(session, a.transferId()) instanceof Download d) {
                downloads.ack(d, a);
            }
        } else if (frame instanceof ChunkNack n) {
            if (running(session, n.transferId()) instanceof Download d) {
                downloads.nack(d, n);
            }
        } else if (frame instanceof UploadComplete c) {
            if (running(session, c.transferId()) instanceof Upload u) {
                uploads.complete(u, c);
            } else {
                // The verified upload it may be is looked for on storage: not on this thread.
                context.pool().execute(() -> {
                    if (!uploads.verifyAgain(session, c)) {
                        notFound(session, c.transferId());
                    }
                });
            }
        } else if (frame instanceof DownloadVerify v) {
            if (running(session, v.transferId()) instanceof Download d) {
                downloads.verify(d, v);
            }
        } else if (frame instanceof TransferAbort a) {
            cancel(session, a);
        } else if (frame instanceof ListRequest r) {
            listing.list(session, r);
        } else if (frame instanceof FileRemove r) {
            listing.remove(session, r);
        } else if (frame instanceof ResumeRequest r) {
            context.pool().execute(() -> resumption.resume(session, r));
        }
    }

    private Transfer running(Session session, UUID id) {
        return context.transfers().onSession(id, session);
    }

    /**
     * Tells the sender of chunks or of a COMPLETE that the transfer does not run on this session;
     * RESUMABLE when it is one of the user's, waiting to be resumed (docs/protocol.md 6.5.6).
     */
    private void notFound(Session session, UUID id) {
        Transfer kept = context.transfers().get(id);
        boolean resumable = kept != null && !kept.ended() && kept.user().equals(session.user().name());
        session.send(new TransferAbort(resumable, id, ErrorCode.TRANSFER_NOT_FOUND.code(),
                resumable ? "transfer " + id + " runs on no session here until it is resumed"
                        : "no transfer " + id + " runs on this session", ""));
    }

    /**
     * The client ends a transfer: it is discarded. So is one of the user's waiting at its
     * checkpoint that the client cancels for good (CANCELLED without RESUMABLE): the client was
     * told to cancel while it was away. Any other abort of a transfer the session does not run is
     * not answered, so that two sides never answer each other's aborts forever.
     */
    private void cancel(Session session, TransferAbort abort) {
        Transfer t = running(session, abort.transferId());
        if (t == null && !abort.resumable() && abort.code() == ErrorCode.CANCELLED.code()) {
            Transfer kept = context.transfers().get(abort.transferId());
            if (kept != null && kept.session() == null && !kept.ended()
                    && kept.user().equals(session.user().name())) {
                t = kept;
            }
        }
        if (t instanceof Upload u) {
            uploads.cancel(u);
        } else if (t instanceof Download d) {
            d.work().execute(() -> downloads.discard(d));
        }
    }

    @Override
    public CompletionStage<?> sessionClosing(Session session) {
        return parkAll(session);
    }

    @Override
    public void sessionClosed(Session session) {
        listing.sessionClosed(session);
        parkAll(session);
    }

    /** Stops every transfer of the session at its checkpoint; completes once each is saved. */
    public CompletableFuture<Void> parkAll(Session session) {
        List<CompletableFuture<Void>> parked = new ArrayList<>();
        for (Transfer t : context.transfers().of(session)) {
            parked.add(park(t));
        }
        return CompletableFuture.allOf(parked.toArray(new CompletableFuture<?>[0]));
    }

    /** Stops one transfer at its checkpoint, on its own executor. */
    public CompletableFuture<Void> park(Transfer t) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Session before = t.session();
        t.work().execute(() -> {
            try {
                if (t.session() == before) {
                    if (t instanceof Upload u) {
                        uploads.park(u);
                    } else {
                        downloads.park((Download) t);
                    }
                }
            } finally {
                done.complete(null);
            }
        });
        return done;
    }
}
