package io.aldis.feature.filetransfer.internal.transfers;

import io.aldis.feature.filetransfer.internal.FilesContext;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoint;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoints;
import io.aldis.feature.filetransfer.internal.download.Download;
import io.aldis.feature.filetransfer.internal.download.Downloads;
import io.aldis.feature.filetransfer.internal.store.StoreLocks;
import io.aldis.feature.filetransfer.internal.upload.Upload;
import io.aldis.feature.filetransfer.internal.upload.Uploads;
import io.aldis.feature.filetransfer.internal.upload.VerifiedUploads;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.spi.node.Session;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * RESUME_REQUEST (docs/protocol.md 6.5.7): finds the transfer in memory or rebuilds it from its
 * checkpoint, checks that it is the user's and unchanged, moves it to the asking session and says
 * where it stands. Also the sweep that discards transfers whose retention passed.
 */
public final class Resumption {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");
    /** The longest a transfer that moved no chunk waits at its checkpoint: five minutes. */
    public static final long UNSTARTED_RETENTION_MILLIS = 5 * 60_000L;
    /** How long a sweep waits for the transfers it expired to be discarded. */
    private static final long SWEEP_WAIT_SECONDS = 10;

    private final FilesContext context;
    private final Uploads uploads;
    private final Downloads downloads;
    /** Transfers discarded after their retention, so that a late resume hears EXPIRED rather than NOT_FOUND. */
    private final Set<UUID> expired = ConcurrentHashMap.newKeySet();

    public Resumption(FilesContext context, Uploads uploads, Downloads downloads) {
        this.context = context;
        this.uploads = uploads;
        this.downloads = downloads;
    }

    /** Runs on the pool: loading a checkpoint reads storage. */
    public void resume(Session session, ResumeRequest r) {
        Transfer transfer = context.transfers().get(r.transferId());
        if (transfer != null && takenOver(transfer)) {
            transfer = null;
        }
        if (transfer == null && r.direction() == TransferDirection.UPLOAD && resumeVerified(session, r)) {
            return;
        }
        if (transfer == null) {
            transfer = load(session, r);
            if (transfer == null) {
                return;
            }
        }
        if (!transfer.user().equals(session.user().name()) || transfer.direction() != r.direction()) {
            answer(session, r, ResumeStatus.NOT_FOUND);
            return;
        }
        if (expired(transfer)) {
            // Answered once the transfer is discarded, so that its space is free when the client hears it.
            expire(transfer).whenComplete((done, failure) -> answer(session, r, ResumeStatus.EXPIRED));
            return;
        }
        Transfer found = transfer;
        transfer.work().execute(() -> {
            if (found.ended()) {
                answer(session, r, expired.contains(r.transferId()) ? ResumeStatus.EXPIRED : ResumeStatus.NOT_FOUND);
            } else if (found instanceof Upload upload) {
                resumeUpload(session, r, upload);
            } else {
                resumeDownload(session, r, (Download) found);
            }
        });
    }

    /**
     * Answers the resume of an upload verified lately, whose UPLOAD_VERIFY its client may have
     * lost: RESUMABLE with every chunk received, so that the client sends UPLOAD_COMPLETE and hears
     * UPLOAD_VERIFY again. False when the upload is not one of those, or its file changed since.
     */
    private boolean resumeVerified(Session session, ResumeRequest r) {
        VerifiedUploads.Verified v = uploads.verified().of(r.transferId(), session.user().name());
        if (v == null || !uploads.stillPublished(v)) {
            return false;
        }
        List<ChunkRange> all = v.chunkCount() == 0 ? List.of() : List.of(new ChunkRange(0, v.chunkCount() - 1));
        session.send(new ResumeResponse(r.requestId(), v.id(), ResumeStatus.RESUMABLE, v.chunkCount(), v.chunkSize(),
                context.settings().get().window(), all, List.of()));
        return true;
    }

    private Transfer load(Session session, ResumeRequest r) {
        if (expired.contains(r.transferId())) {
            answer(session, r, ResumeStatus.EXPIRED);
            return null;
        }
        if (context.transfers().endedLately(r.transferId())) {
            // Its checkpoint may still be on storage, about to be deleted by the transfer's own thread.
            answer(session, r, ResumeStatus.NOT_FOUND);
            return null;
        }
        Checkpoints.Found found;
        try {
            found = context.locks().callLocked(StoreLocks.ofTransfer(r.transferId()), () -> loadAndClaim(session, r));
        } catch (IOException e) {
            session.sendError(r.requestId(), ErrorCode.STORAGE_ERROR, "the node could not read the transfer's checkpoint");
            return null;
        }
        if (found instanceof Checkpoints.Missing) {
            answer(session, r, ResumeStatus.NOT_FOUND);
            return null;
        }
        if (found instanceof Checkpoints.Corrupted corrupted) {
            LOG.log(System.Logger.Level.WARNING, "Discarded the checkpoint of transfer {0}: {1}", r.transferId(),
                    corrupted.why());
            deleteLeftovers(r.transferId());
            answer(session, r, ResumeStatus.STATE_CORRUPTED);
            return null;
        }
        Checkpoint c = ((Checkpoints.Loaded) found).checkpoint();
        if (!mayResume(session, r, c)) {
            answer(session, r, ResumeStatus.NOT_FOUND);
            return null;
        }
        if (chunksDoNotFit(session, r, c.chunkSize())) {
            return null;
        }
        Transfer rebuilt;
        try {
            rebuilt = c.direction() == TransferDirection.UPLOAD ? uploads.restore(c) : downloads.restore(c);
        } catch (IOException | RuntimeException e) {
            deleteLeftovers(r.transferId());
            answer(session, r, ResumeStatus.STATE_CORRUPTED);
            return null;
        }
        Transfer there = context.transfers().addIfAbsent(rebuilt);
        if (there != rebuilt && rebuilt instanceof Upload u) {
            context.ledger().release(u.reservation());
        }
        return there;
    }

    /** Whether the session may resume the transfer of checkpoint {@code c} as it asked. */
    private static boolean mayResume(Session session, ResumeRequest r, Checkpoint c) {
        return c.id().equals(r.transferId()) && c.user().equals(session.user().name())
                && c.direction() == r.direction();
    }

    /**
     * Loads a checkpoint; when the session may resume it here, saves it again at once as this
     * node's, so that the node that ran the transfer before sees that this node has it now, and the
     * sweeps of other nodes count its retention from now; what it returns is the checkpoint as it
     * was found. A request this node refuses (another
     * user's, the other direction, chunks too large for the connection) claims nothing: the node
     * running the transfer keeps it. Runs under the transfer's lock.
     */
    private Checkpoints.Found loadAndClaim(Session session, ResumeRequest r) throws IOException {
        Checkpoints.Found found = context.checkpoints().load(r.transferId());
        // Also outside a cluster: the node may join one later, and must then know the transfer as its own.
        if (found instanceof Checkpoints.Loaded loaded
                && mayResume(session, r, loaded.checkpoint())
                && loaded.checkpoint().chunkSize() <= session.limits().maxChunkSize()) {
            context.checkpoints().save(loaded.checkpoint().savedAt(context.clock().millis()));
        }
        // The transfer is rebuilt as it was saved: how long it has waited decides whether it expired.
        return found;
    }

    /**
     * Whether a transfer this node keeps was taken over by another node that shares the storage
     * (resumed there, and maybe finished); such a transfer is forgotten here without touching its
     * data, which is the other node's now. A transfer still attached here may be one too: its
     * session may wait for its client to resume it while the client went to another node. Never
     * true outside a cluster.
     */
    private boolean takenOver(Transfer t) {
        if (!context.locks().clustered() || t.ended()) {
            return false;
        }
        boolean ours;
        try {
            ours = context.checkpoints().savedLastHere(t.id());
        } catch (IOException e) {
            return false;
        }
        if (!ours) {
            LOG.log(System.Logger.Level.INFO, "Transfer {0} of {1} went on through another node", t.id(), t.name());
            forget(t);
        }
        return !ours;
    }

    /**
     * In a cluster, saves the checkpoint of a transfer this node keeps again once a quarter of the
     * shorter retention has passed since it was saved. Other nodes sweeping the shared storage see
     * only the stored checkpoint, and one listing no chunks gets the short retention there: a
     * download's never lists any, an upload's none before its first 64 chunks are saved.
     */
    private void keepClaimed(Transfer t, long now) {
        if (!context.locks().clustered()) {
            return;
        }
        long due = now - retentionOf(true) / 4;
        try {
            context.locks().callLocked(StoreLocks.ofTransfer(t.id()),
                    () -> context.checkpoints().refreshIfOurs(t.id(), due, now));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not save the checkpoint of transfer " + t.id() + " again", e);
        }
    }

    /** Drops a transfer from this node alone: its checkpoint and partial data stay. */
    private void forget(Transfer t) {
        if (t instanceof Upload u) {
            uploads.forget(u);
        } else {
            downloads.forget((Download) t);
        }
    }

    private void resumeUpload(Session session, ResumeRequest r, Upload upload) {
        if (!MessageDigest.isEqual(upload.announcedHash(), r.fileHash())) {
            uploads.discard(upload);
            answer(session, r, ResumeStatus.FILE_CHANGED);
            return;
        }
        if (chunksDoNotFit(session, r, upload.layout().chunkSize())) {
            return;
        }
        int window = context.settings().get().window();
        Session before = upload.session();
        if (before != null && before != session) {
            uploads.park(upload);
            if (upload.ended()) {
                // Parking found that another node took it over and forgot it here: load what that
                // node saved instead of attaching an ended upload.
                resume(session, r);
                return;
            }
        }
        try {
            uploads.reopen(upload, window);
        } catch (IOException e) {
            session.sendError(r.requestId(), ErrorCode.STORAGE_ERROR, "the node could not reopen the partial file");
            return;
        }
        upload.attach(session, context.clock().millis());
        ChunkSet stored = upload.storedCopy();
        session.send(new ResumeResponse(r.requestId(), upload.id(), ResumeStatus.RESUMABLE,
                upload.layout().chunkCount(), upload.layout().chunkSize(), window, stored.heldRanges(),
                stored.missingRanges()));
    }

    private void resumeDownload(Session session, ResumeRequest r, Download download) {
        if (!MessageDigest.isEqual(download.hash(), r.fileHash()) || !downloads.reopen(download)) {
            downloads.discard(download);
            answer(session, r, ResumeStatus.FILE_CHANGED);
            return;
        }
        if (chunksDoNotFit(session, r, download.layout().chunkSize())) {
            return;
        }
        ChunkSet held;
        try {
            held = ChunkSet.of(download.layout().chunkCount(), r.chunksHeld());
        } catch (ProtocolException e) {
            session.sendError(r.requestId(), e.code(), e.getMessage());
            return;
        }
        int window = context.settings().get().window();
        download.attach(session, context.clock().millis());
        session.send(new ResumeResponse(r.requestId(), download.id(), ResumeStatus.RESUMABLE,
                download.layout().chunkCount(), download.layout().chunkSize(), window, held.heldRanges(),
                held.missingRanges()));
        downloads.resume(download, held, window);
    }

    /**
     * Refuses the resume when the transfer's chunks would not fit this connection's frames; the
     * transfer is left as it is, for a session they fit.
     */
    private static boolean chunksDoNotFit(Session session, ResumeRequest r, int chunkSize) {
        int max = session.limits().maxChunkSize();
        if (chunkSize <= max) {
            return false;
        }
        session.sendError(r.requestId(), ErrorCode.RESUME_NOT_POSSIBLE, "this transfer's chunks are " + chunkSize
                + " bytes, more than this connection's maxChunkSize of " + max
                + "; resume it over a connection that takes them, or start it again");
        return true;
    }

    private static void answer(Session session, ResumeRequest r, ResumeStatus status) {
        session.send(new ResumeResponse(r.requestId(), r.transferId(), status, 0, 0, 0, List.of(), List.of()));
    }

    private boolean expired(Transfer t) {
        long retention = retentionOf(t.progress()[0] == 0);
        return t.session() == null && context.clock().millis() - t.idleSince() > retention;
    }

    /**
     * How long a transfer may wait at its checkpoint. One that moved no chunk waits at most
     * {@link #UNSTARTED_RETENTION_MILLIS}: its client most likely never heard that it was accepted
     * (the answer was lost with the connection) and asked again, and starting it over costs
     * nothing, while an upload keeps its whole size reserved against the quotas as long as it waits.
     */
    private long retentionOf(boolean unstarted) {
        long retention = context.settings().get().checkpointRetentionSeconds() * 1000L;
        return unstarted ? Math.min(retention, UNSTARTED_RETENTION_MILLIS) : retention;
    }

    /** Discards {@code t} on its own thread; the future completes once it is discarded, its space given back. */
    private CompletableFuture<Void> expire(Transfer t) {
        CompletableFuture<Void> discarded = new CompletableFuture<>();
        if (takenOver(t)) {
            discarded.complete(null);
            return discarded;
        }
        t.work().execute(() -> {
            try {
                // Asked again on the transfer's own thread: another node may have resumed it since.
                // What it discards, it deletes under the transfer's lock, and only while it is ours.
                if (takenOver(t)) {
                    return;
                }
                expired.add(t.id());
                if (t instanceof Upload u) {
                    uploads.discard(u);
                } else {
                    downloads.discard((Download) t);
                }
            } finally {
                discarded.complete(null);
            }
        });
        return discarded;
    }

    /** Whether the stored checkpoint of {@code id} is older than its retention. */
    private boolean sweepable(UUID id, long now) throws IOException {
        return context.checkpoints().load(id) instanceof Checkpoints.Loaded loaded
                && now - loaded.checkpoint().savedMillis() > retentionOf(loaded.checkpoint().chunks().isEmpty());
    }

    private void deleteLeftovers(UUID id) {
        try {
            context.checkpoints().delete(id);
            context.store().deletePartial(id.toString());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete what is left of transfer " + id, e);
        }
    }

    /**
     * Discards every transfer that has waited at its checkpoint longer than the retention, with its
     * partial data, also those only on storage (from before a restart).
     */
    public void sweep() {
        long now = context.clock().millis();
        uploads.verified().forgetBefore(now - context.settings().get().checkpointRetentionSeconds() * 1000L);
        List<CompletableFuture<Void>> discards = new ArrayList<>();
        for (Transfer t : context.transfers().all()) {
            if (expired(t)) {
                discards.add(expire(t));
            } else if (t.session() != null || t.progress()[0] > 0) {
                // Running here, or waiting here with the full retention because it moved chunks.
                keepClaimed(t, now);
            }
        }
        try {
            // A sweep is over when the space of what it discarded is free again.
            CompletableFuture.allOf(discards.toArray(CompletableFuture[]::new)).get(SWEEP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "Expired transfers are still being discarded after "
                    + SWEEP_WAIT_SECONDS + " s");
        }
        try {
            for (UUID id : context.checkpoints().ids()) {
                if (context.transfers().get(id) != null) {
                    continue;
                }
                if (!sweepable(id, now)) {
                    continue;
                }
                // Checked again under the transfer's lock: another node sharing the storage may be
                // resuming it at this moment.
                context.locks().callLocked(StoreLocks.ofTransfer(id), () -> {
                    if (sweepable(id, now)) {
                        expired.add(id);
                        deleteLeftovers(id);
                    }
                    return null;
                });
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not sweep the file-transfer checkpoints", e);
        }
    }
}
