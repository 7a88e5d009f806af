package io.aldis.feature.filetransfer.internal.upload;

import io.aldis.feature.filetransfer.api.OutsideAreaException;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.api.TransferRequest;
import io.aldis.feature.filetransfer.api.Verdict;
import io.aldis.feature.filetransfer.internal.Access;
import io.aldis.feature.filetransfer.internal.FilesContext;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoint;
import io.aldis.feature.filetransfer.internal.names.FileNames;
import io.aldis.feature.filetransfer.internal.quota.QuotaLedger;
import io.aldis.feature.filetransfer.internal.store.LockTimeoutException;
import io.aldis.feature.filetransfer.internal.store.StoreLocks;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.spi.node.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

/** Uploads as docs/protocol.md 6.5.3 describes them: accept or reject, store chunks, verify and publish. */
public final class Uploads {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");
    /** NACKs of one chunk after which the upload fails (docs/protocol.md 6.5.2). */
    public static final int MAX_NACKS = 5;
    /** Stored chunks between two checkpoint saves while an upload runs. */
    private static final int SAVE_EVERY = 64;
    /**
     * Most chunks an upload may have. Each costs a bit in memory and in its checkpoint, and a client
     * choosing tiny chunks for a large file would otherwise make the node hold millions of them.
     */
    public static final int MAX_CHUNKS = 1 << 24;
    private static final byte[] NO_HASH = new byte[32];

    private final FilesContext context;
    private final VerifiedUploads verified;

    public Uploads(FilesContext context) {
        this.context = context;
        this.verified = new VerifiedUploads(context::store,
                () -> context.clock().millis() - context.settings().get().checkpointRetentionSeconds() * 1000L);
    }

    /** UPLOAD_REQUEST: checked in the order of the protocol's list, then space reserved and accepted. */
    public void request(Session session, UploadRequest r) throws IOException {
        FilesSettings settings = context.settings().get();
        int running = context.transfers().of(session).size();
        if (running >= settings.maxTransfersPerSession()) {
            reject(session, r, ErrorCode.BUSY, "this session runs " + running + " transfers already; the node "
                    + "allows " + settings.maxTransfersPerSession(), "{\"maxTransfersPerSession\":"
                    + settings.maxTransfersPerSession() + "}");
            return;
        }
        String name;
        try {
            name = FileNames.check(r.fileName());
        } catch (ProtocolException e) {
            reject(session, r, e.code(), e.getMessage(), "");
            return;
        }
        if (!context.access().permits(session.user(), Access.WRITE, name)) {
            reject(session, r, ErrorCode.FORBIDDEN, "you may not write " + name, "");
            return;
        }
        if (r.fileSize() > settings.maxFileSize()) {
            reject(session, r, ErrorCode.FILE_TOO_LARGE, "the file has " + r.fileSize() + " bytes; this node takes at "
                    + "most " + settings.maxFileSize(), "");
            return;
        }
        if (r.compression() != Compression.NONE && (session.clientCapabilities() & Capability.LZ4.mask()) == 0) {
            reject(session, r, ErrorCode.CAPABILITY_UNAVAILABLE, "compression needs the LZ4 capability", "");
            return;
        }
        if (r.chunkSize() < 1 || ChunkLayout.count(r.fileSize(), r.chunkSize()) != Integer.toUnsignedLong(r.chunkCount())) {
            reject(session, r, ErrorCode.CHUNK_OUT_OF_RANGE, "a file of " + r.fileSize() + " bytes has "
                    + ChunkLayout.count(r.fileSize(), Math.max(1, r.chunkSize())) + " chunks of " + r.chunkSize()
                    + " bytes, not " + Integer.toUnsignedLong(r.chunkCount()), "");
            return;
        }
        int chunkSize = Math.min(r.chunkSize(), session.limits().maxChunkSize());
        if (ChunkLayout.count(r.fileSize(), chunkSize) > MAX_CHUNKS) {
            reject(session, r, ErrorCode.CHUNK_OUT_OF_RANGE, "chunks of " + chunkSize + " bytes cut this file into more"
                    + " than " + MAX_CHUNKS + " chunks; use larger ones", "");
            return;
        }
        Verdict verdict = context.policies().upload(new TransferRequest(session.user().name(),
                session.user().roles(), name, r.fileSize(), r.metadata()));
        if (!verdict.allowed()) {
            reject(session, r, ErrorCode.UPLOAD_REJECTED, verdict.reason(), "");
            return;
        }
        String user = session.user().name();
        StoredFile replaced;
        try {
            // Resolving the name is how the store finds a symbolic link that leads out of the area.
            replaced = context.store().stat(user, name);
        } catch (OutsideAreaException e) {
            reject(session, r, ErrorCode.INVALID_FILE_NAME, e.getMessage(), "");
            return;
        }
        if (context.locks().clustered()) {
            // Other nodes sharing the storage may have published since: read what is used again.
            context.ledger().forgetUse();
        }
        QuotaLedger.Outcome outcome = context.ledger().reserve(user, r.fileSize());
        if (outcome instanceof QuotaLedger.Refusal refusal) {
            String why = refusal.code() == ErrorCode.QUOTA_EXCEEDED ? "the upload would pass your quota"
                    : "the node has no space for the file";
            reject(session, r, refusal.code(), why + ": " + refusal.available() + " bytes available, "
                    + refusal.requested() + " requested", refusal.details());
            return;
        }
        QuotaLedger.Reservation reservation = (QuotaLedger.Reservation) outcome;
        ChunkLayout layout = new ChunkLayout(r.fileSize(), chunkSize);
        Upload upload = new Upload(UUID.randomUUID(), user, name, layout, r.compression(), r.fileHash(), reservation,
                Checkpoint.Replaces.of(replaced), new ChunkSet(layout.chunkCount()), settings.window(), context.pool());
        upload.attach(session, context.clock().millis());
        try {
            upload.partial = context.store().openPartial(upload.id().toString());
            context.checkpoints().save(upload.checkpoint(context.clock().millis()));
        } catch (IOException e) {
            context.ledger().release(reservation);
            discardQuietly(upload);
            reject(session, r, ErrorCode.STORAGE_ERROR, "the node could not start storing the file", "");
            LOG.log(System.Logger.Level.WARNING, "Could not start the upload of " + name, e);
            return;
        }
        context.transfers().add(upload);
        session.send(new UploadAccept(r.requestId(), upload.id(), chunkSize, settings.window()));
    }

    private static void reject(Session session, UploadRequest r, ErrorCode code, String reason, String details) {
        session.send(new UploadReject(r.requestId(), code.code(), reason, details));
    }

    /** CHUNK_DATA of an upload running on the session: counted against the window now, stored in order. */
    public void chunk(Upload upload, ChunkData chunk) {
        int index = chunk.chunkIndex();
        if (!upload.layout().holds(index)) {
            // Not counted against the window or the NACK limit: it is no chunk of this file.
            upload.send(new ChunkNack(upload.id(), index, ErrorCode.CHUNK_OUT_OF_RANGE.code()));
            return;
        }
        int ticket = upload.arrived(index);
        if (ticket < 0) {
            upload.work().execute(() -> stop(upload, ErrorCode.PROTOCOL_ERROR, "more than " + upload.window()
                    + " chunks were sent without waiting for their acknowledgement"));
            return;
        }
        upload.work().execute(() -> {
            Frame answer;
            try {
                answer = store(upload, chunk);
            } finally {
                upload.handled(ticket);
            }
            // Only now: the sender may send the next chunk as soon as it hears, and this one must
            // no longer count against its window then.
            if (answer != null) {
                upload.send(answer);
            }
        });
    }

    /** Stores a chunk; the CHUNK_ACK or CHUNK_NACK to send, or null when the upload stopped instead. */
    private Frame store(Upload upload, ChunkData chunk) {
        if (upload.ended() || upload.partial == null) {
            return null;
        }
        int index = chunk.chunkIndex();
        if (upload.isStored(index)) {
            upload.markStored(index);
            return new ChunkAck(upload.id(), index);
        }
        byte[] bytes;
        try {
            // Written and hashed below, then let go: a compressed chunk may use this thread's buffer.
            bytes = ChunkCodec.decodeTransient(chunk.compressed(), chunk.data(), chunk.originalSize(),
                    upload.layout().sizeOf(index), chunk.crc32());
        } catch (ProtocolException e) {
            int times = upload.nacked(index);
            if (times >= MAX_NACKS) {
                fail(upload, e.code(), "chunk " + index + " failed its check " + times + " times: " + e.getMessage());
                return null;
            }
            return new ChunkNack(upload.id(), index, e.code().code());
        }
        try {
            upload.partial.write(ByteBuffer.wrap(bytes), upload.layout().offsetOf(index));
        } catch (IOException e) {
            writeFailed(upload, upload.layout().sizeOf(index), e);
            return null;
        }
        try {
            upload.markStored(index);
            hashInOrder(upload, index, bytes);
            if (++upload.unsaved >= SAVE_EVERY) {
                save(upload);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not hash or checkpoint a chunk of " + upload.name(), e);
            stop(upload, ErrorCode.STORAGE_ERROR, "the node could not store the chunk");
            return null;
        }
        return new ChunkAck(upload.id(), index);
    }

    /**
     * Stops an upload whose chunk could not be written, at its checkpoint: the storage may take it
     * later. A storage without room for the chunk (less free space than the chunk, or the file
     * system said so: its free space may count blocks a process cannot use) is {@code STORAGE_FULL},
     * with the space available and needed in the details, as at accept; any other failure is
     * {@code STORAGE_ERROR}.
     */
    private void writeFailed(Upload upload, long needed, IOException e) {
        long available;
        try {
            available = context.store().usableSpace();
        } catch (IOException | RuntimeException unknown) {
            available = -1;
        }
        boolean noSpace = e.getMessage() != null && e.getMessage().contains("No space left on device");
        if (available >= 0 && (available < needed || noSpace)) {
            LOG.log(System.Logger.Level.WARNING, "The storage is full: an upload of " + upload.name() + " stops", e);
            upload.abort(true, ErrorCode.STORAGE_FULL, "the node's storage is full: " + available
                    + " bytes available, " + needed + " needed for the next chunk",
                    new QuotaLedger.Refusal(ErrorCode.STORAGE_FULL, available, needed).details());
            park(upload);
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Could not store a chunk of " + upload.name(), e);
        stop(upload, ErrorCode.STORAGE_ERROR, "the node could not store the chunk");
    }

    /** Feeds the hash with every chunk now in order; only chunks that came early are read back. */
    private static void hashInOrder(Upload upload, int index, byte[] bytes) throws IOException {
        while (upload.hashedUpTo < upload.layout().chunkCount() && upload.isStored(upload.hashedUpTo)) {
            if (upload.hashedUpTo == index) {
                upload.digest.update(bytes);
            } else {
                upload.digest.update(readBack(upload, upload.hashedUpTo));
            }
            upload.hashedUpTo++;
        }
    }

    private static byte[] readBack(Upload upload, int index) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(upload.layout().sizeOf(index));
        long offset = upload.layout().offsetOf(index);
        while (buffer.hasRemaining()) {
            if (upload.partial.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("the partial file is shorter than what was stored");
            }
        }
        return buffer.array();
    }

    /** UPLOAD_COMPLETE: every chunk must be there; then hash, publish and verify. */
    public void complete(Upload upload, UploadComplete complete) {
        upload.work().execute(() -> finish(upload, complete.fileHash()));
    }

    private void finish(Upload upload, byte[] completeHash) {
        if (upload.ended() || upload.partial == null) {
            return;
        }
        if (!upload.allStored()) {
            stop(upload, ErrorCode.PROTOCOL_ERROR, "UPLOAD_COMPLETE came while chunks "
                    + upload.storedCopy().missingRanges() + " are missing");
            return;
        }
        byte[] computed;
        try {
            hashInOrder(upload, -1, null);
            computed = upload.digest.digest();
        } catch (IOException e) {
            stop(upload, ErrorCode.STORAGE_ERROR, "the node could not read back what it stored");
            return;
        }
        byte[] announced = upload.announcedHash();
        boolean matches = MessageDigest.isEqual(computed, completeHash)
                && (Arrays.equals(announced, NO_HASH) || MessageDigest.isEqual(computed, announced));
        if (!upload.end()) {
            return;
        }
        if (!matches) {
            context.transfers().remove(upload);
            discardQuietly(upload);
            context.ledger().release(upload.reservation());
            // Counted before the client hears of it, so that what it sees next includes it.
            context.events().failed(upload.user(), upload.name(), "upload", ErrorCode.FILE_HASH_MISMATCH.code(),
                    "the file's SHA-256 does not match the announced one");
            upload.send(new UploadVerify(false, upload.id(), computed, ""));
            return;
        }
        try {
            upload.partial.close();
            upload.partial = null;
            Published outcome = publishIfStillOurs(upload);
            if (outcome == TAKEN_OVER) {
                // Its client resumed it through another node, which finishes it: nothing of it is ours.
                LOG.log(System.Logger.Level.INFO, "Upload {0} of {1} went on through another node", upload.id(),
                        upload.name());
                context.transfers().drop(upload);
                context.ledger().release(upload.reservation());
                // A client still on this session hears where it stands from a resume.
                upload.abort(true, ErrorCode.TRANSFER_NOT_FOUND, "the upload went on through another node; "
                        + "resume it to hear how it stands");
                return;
            }
            context.transfers().remove(upload);
            if (outcome == null) {
                conflict(upload);
                return;
            }
            StoredFile before = outcome.before();
            StoredFile published = outcome.published();
            context.ledger().published(upload.reservation(), before == null ? 0 : before.size());
            context.hashes().put(upload.user(), published, computed);
            // The record first: a crash between the two leaves both, and a resume looks for the record first.
            verified.add(new VerifiedUploads.Verified(upload.id(), upload.user(), published,
                    upload.layout().chunkSize(), upload.layout().chunkCount(), computed, context.clock().millis()));
            context.checkpoints().delete(upload.id());
            context.events().uploaded(upload.user(), upload.name(), published.size());
            upload.send(new UploadVerify(true, upload.id(), computed, upload.name()));
        } catch (LockTimeoutException e) {
            waitedTooLongToPublish(upload, e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not publish " + upload.name(), e);
            context.transfers().remove(upload);
            discardQuietly(upload);
            context.ledger().release(upload.reservation());
            upload.abort(false, ErrorCode.STORAGE_ERROR, "the node could not publish the file");
            context.events().failed(upload.user(), upload.name(), "upload", ErrorCode.STORAGE_ERROR.code(),
                    "the node could not publish the file");
        }
    }

    /**
     * Stops an upload that could not publish because a lock stayed taken (another node publishing
     * the same name, or a busy cluster): nothing failed on storage, so its partial data and its
     * stored checkpoint stay, and the client may resume it and send UPLOAD_COMPLETE again. It is
     * dropped here without counting as ended, so that a resume loads it from its checkpoint.
     */
    private void waitedTooLongToPublish(Upload upload, LockTimeoutException e) {
        LOG.log(System.Logger.Level.WARNING, "Could not publish " + upload.name() + " for now: " + e.getMessage());
        context.transfers().drop(upload);
        context.ledger().release(upload.reservation());
        upload.abort(true, ErrorCode.BUSY, "the node waited too long to publish " + upload.name()
                + "; resume the upload and complete it again");
    }

    /** A file published, and the one it replaced (null: none). */
    private record Published(StoredFile before, StoredFile published) {
    }

    /** What {@link #publishIfStillOurs} answers for an upload another node took over. */
    private static final Published TAKEN_OVER = new Published(null, null);

    /**
     * Publishes as {@link #publishUnlessReplaced} does, but in a cluster only while the stored
     * checkpoint is still this node's, checked and published under the transfer's lock: a client
     * may have resumed the upload through another node while this one still had its
     * UPLOAD_COMPLETE to handle. {@link #TAKEN_OVER} when it did.
     */
    private Published publishIfStillOurs(Upload upload) throws IOException {
        if (!context.locks().clustered()) {
            return publishUnlessReplaced(upload);
        }
        return context.locks().callLocked(StoreLocks.ofTransfer(upload.id()),
                () -> context.checkpoints().savedLastHere(upload.id()) ? publishUnlessReplaced(upload) : TAKEN_OVER);
    }

    /**
     * Publishes the upload under its name if the name still holds the file it held when the upload
     * was accepted; null otherwise. The check and the rename run under the name's lock, so that of
     * two uploads of one name, through one node or two that share the storage, only the first to
     * finish publishes.
     */
    private Published publishUnlessReplaced(Upload upload) throws IOException {
        return context.locks().callLocked(StoreLocks.ofName(upload.user(), upload.name()), () -> {
            StoredFile before = context.store().stat(upload.user(), upload.name());
            if (!upload.replaces().stillHolds(before)) {
                return null;
            }
            return new Published(before, context.store().publish(upload.id().toString(), upload.user(), upload.name()));
        });
    }

    /**
     * Ends an upload whose name no longer holds the file it held at accept (another upload
     * published it, or it was removed or changed meanwhile): its data is discarded, the client told.
     */
    private void conflict(Upload upload) {
        String reason = upload.name() + " changed after this upload began (another upload published it, or it "
                + "was removed or modified); this upload is discarded: look at the file now, and upload again "
                + "to replace it";
        discardQuietly(upload);
        context.ledger().release(upload.reservation());
        context.events().failed(upload.user(), upload.name(), "upload", ErrorCode.UPLOAD_CONFLICT.code(), reason);
        upload.abort(false, ErrorCode.UPLOAD_CONFLICT, reason);
    }

    /** The uploads verified lately, for a client that lost the UPLOAD_VERIFY. */
    public VerifiedUploads verified() {
        return verified;
    }

    /**
     * Answers an UPLOAD_COMPLETE for an upload that is no longer running because it was verified,
     * as the first UPLOAD_VERIFY did, if the file is still the one published; false when the
     * upload is not one of those.
     */
    public boolean verifyAgain(Session session, UploadComplete complete) {
        VerifiedUploads.Verified v = verified.of(complete.transferId(), session.user().name());
        if (v == null || !stillPublished(v)) {
            return false;
        }
        boolean matches = MessageDigest.isEqual(v.sha256(), complete.fileHash());
        session.send(new UploadVerify(matches, v.id(), v.sha256(), matches ? v.published().name() : ""));
        return true;
    }

    /** Whether the file a verified upload published is still there, unchanged. */
    public boolean stillPublished(VerifiedUploads.Verified v) {
        try {
            StoredFile now = context.store().stat(v.user(), v.published().name());
            return v.published().equals(now);
        } catch (IOException e) {
            return false;
        }
    }

    /** Saves the checkpoint: the partial file is synced first, so that every chunk it lists is durable. */
    void save(Upload upload) throws IOException {
        upload.partial.sync();
        context.checkpoints().save(upload.checkpoint(context.clock().millis()));
        upload.unsaved = 0;
    }

    /** Aborts with RESUMABLE: the upload waits at its checkpoint. Runs on the upload's executor. */
    void stop(Upload upload, ErrorCode code, String reason) {
        upload.abort(true, code, reason);
        park(upload);
    }

    /** Detaches the upload from its session at a saved checkpoint. Runs on the upload's executor. */
    public void park(Upload upload) {
        upload.detach(context.clock().millis());
        if (upload.ended() || upload.partial == null) {
            return;
        }
        boolean ours = true;
        try {
            ours = saveUnlessTakenOver(upload);
            upload.partial.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not save the checkpoint of " + upload.name(), e);
        }
        upload.partial = null;
        if (!ours) {
            LOG.log(System.Logger.Level.INFO, "Upload {0} of {1} went on through another node", upload.id(),
                    upload.name());
            forget(upload);
        }
    }

    /**
     * Saves the checkpoint of an upload being parked; in a cluster, only while the stored checkpoint
     * is still the one this node saved last, checked and saved under the transfer's lock. False when
     * another node sharing the storage resumed the upload meanwhile (or finished it): its record
     * must not be overwritten with this node's older one.
     */
    private boolean saveUnlessTakenOver(Upload upload) throws IOException {
        if (!context.locks().clustered()) {
            save(upload);
            return true;
        }
        return context.locks().callLocked(StoreLocks.ofTransfer(upload.id()), () -> {
            if (!context.checkpoints().savedLastHere(upload.id())) {
                return false;
            }
            save(upload);
            return true;
        });
    }

    /** Aborts without RESUMABLE: the upload and its data are gone. Runs on the upload's executor. */
    void fail(Upload upload, ErrorCode code, String reason) {
        // Discarded first: when the client hears that the upload is gone, its data is (docs/protocol.md 6.5.6).
        discard(upload);
        upload.abort(false, code, reason);
        context.events().failed(upload.user(), upload.name(), "upload", code.code(), reason);
    }

    /**
     * The client cancels: the upload ends and its space is free before the next frame of the
     * session is handled; its data is deleted on its own executor.
     */
    public void cancel(Upload upload) {
        upload.end();
        context.transfers().remove(upload);
        context.ledger().release(upload.reservation());
        upload.work().execute(() -> discardIfOurs(upload));
    }

    /**
     * Ends the upload, deletes its partial data and checkpoint (in a cluster only while they are
     * still this node's) and gives its space back.
     */
    public void discard(Upload upload) {
        upload.end();
        context.transfers().remove(upload);
        discardIfOurs(upload);
        context.ledger().release(upload.reservation());
    }

    /**
     * Deletes the upload's partial data and checkpoint; in a cluster only while the stored
     * checkpoint is still this node's, checked and deleted under the transfer's lock. When another
     * node sharing the storage took the upload over, its data is that node's: this node only
     * closes its own handle.
     */
    private void discardIfOurs(Upload upload) {
        if (!context.locks().clustered()) {
            discardQuietly(upload);
            return;
        }
        try {
            context.locks().callLocked(StoreLocks.ofTransfer(upload.id()), () -> {
                if (context.checkpoints().savedLastHere(upload.id())) {
                    discardQuietly(upload);
                } else {
                    closeQuietly(upload);
                }
                return null;
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not discard what is left of the upload of " + upload.name(), e);
            closeQuietly(upload);
        }
    }

    private static void closeQuietly(Upload upload) {
        if (upload.partial != null) {
            try {
                upload.partial.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not close the partial file of " + upload.name(), e);
            }
            upload.partial = null;
        }
    }

    private void discardQuietly(Upload upload) {
        try {
            if (upload.partial != null) {
                upload.partial.close();
                upload.partial = null;
            }
            context.store().deletePartial(upload.id().toString());
            context.checkpoints().delete(upload.id());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the partial data of " + upload.name(), e);
        }
    }

    /**
     * Forgets an upload that another node sharing the storage took over: it ends here and gives
     * its space back, but its partial data and checkpoint are left to that node.
     */
    public void forget(Upload upload) {
        upload.end();
        context.transfers().drop(upload);
        context.ledger().release(upload.reservation());
        upload.work().execute(() -> closeQuietly(upload));
    }

    /** An upload rebuilt from its checkpoint, its space claimed again; not yet attached to a session. */
    public Upload restore(Checkpoint c) throws IOException {
        ChunkLayout layout = new ChunkLayout(c.fileSize(), c.chunkSize());
        QuotaLedger.Reservation reservation = context.ledger().claim(c.user(), c.fileSize());
        Upload upload = new Upload(c.id(), c.user(), c.name(), layout, c.compression(), c.fileHash(), reservation,
                c.replaces(), ChunkSet.of(layout.chunkCount(), c.chunks()), context.settings().get().window(), context.pool());
        upload.detach(c.savedMillis());
        return upload;
    }

    /** Makes a parked upload ready for its session again: reopens its partial file and clears the window. */
    public void reopen(Upload upload, int window) throws IOException {
        upload.restart(window);
        if (upload.partial == null) {
            upload.partial = context.store().openPartial(upload.id().toString());
        }
    }
}
