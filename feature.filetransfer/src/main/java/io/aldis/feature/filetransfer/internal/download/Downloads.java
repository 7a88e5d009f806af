package io.aldis.feature.filetransfer.internal.download;

import io.aldis.feature.filetransfer.api.OutsideAreaException;
import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.TransferRequest;
import io.aldis.feature.filetransfer.api.Verdict;
import io.aldis.feature.filetransfer.internal.Access;
import io.aldis.feature.filetransfer.internal.FilesContext;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoint;
import io.aldis.feature.filetransfer.internal.names.FileNames;
import io.aldis.feature.filetransfer.internal.store.StoreLocks;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.aldis.protocol.api.spi.node.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.UUID;

/**
 * Downloads as docs/protocol.md 6.5.4 describes them. The file is kept open from the accept, so the
 * client gets it as it was then; chunks are read, compressed and sent on the download's own
 * executor, never more than the window ahead of the acknowledgements, so what a download holds
 * does not grow with the file.
 */
public final class Downloads {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");
    /** NACKs of one chunk after which the download fails. */
    public static final int MAX_NACKS = 5;
    /** Most chunks a download is cut into, as for uploads. */
    private static final int MAX_CHUNKS = 1 << 24;

    private final FilesContext context;

    public Downloads(FilesContext context) {
        this.context = context;
    }

    /** DOWNLOAD_REQUEST; runs on the pool, since hashing a file not in the index reads it whole. */
    public void request(Session session, DownloadRequest r) {
        FilesSettings settings = context.settings().get();
        // Requests of one session may run on several workers at once, so a burst of them can pass
        // this count by up to the number of workers before the first is added: still bounded.
        int running = context.transfers().of(session).size();
        if (running >= settings.maxTransfersPerSession()) {
            session.send(new DownloadReject(r.requestId(), ErrorCode.BUSY.code(), "this session runs " + running
                    + " transfers already; the node allows " + settings.maxTransfersPerSession(),
                    "{\"maxTransfersPerSession\":" + settings.maxTransfersPerSession() + "}"));
            return;
        }
        String name;
        try {
            name = FileNames.check(r.fileName());
        } catch (ProtocolException e) {
            reject(session, r, e.code(), e.getMessage());
            return;
        }
        if (!context.access().permits(session.user(), Access.READ, name)) {
            reject(session, r, ErrorCode.FORBIDDEN, "you may not read " + name);
            return;
        }
        if (r.compression() != Compression.NONE && (session.clientCapabilities() & Capability.LZ4.mask()) == 0) {
            reject(session, r, ErrorCode.CAPABILITY_UNAVAILABLE, "compression needs the LZ4 capability");
            return;
        }
        String user = session.user().name();
        ReadableFile file;
        byte[] hash;
        try {
            file = context.store().open(user, name);
        } catch (OutsideAreaException e) {
            reject(session, r, ErrorCode.INVALID_FILE_NAME, e.getMessage());
            return;
        } catch (NoSuchFileException e) {
            reject(session, r, ErrorCode.FILE_NOT_FOUND_ON_SERVER, "there is no file " + name);
            return;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not open " + name, e);
            reject(session, r, ErrorCode.STORAGE_ERROR, "the node could not read " + name);
            return;
        }
        Verdict verdict = context.policies().download(new TransferRequest(user, session.user().roles(), name,
                file.file().size(), ""));
        if (!verdict.allowed()) {
            closeQuietly(file);
            reject(session, r, ErrorCode.DOWNLOAD_REJECTED, verdict.reason());
            return;
        }
        try {
            hash = context.hashes().of(user, file);
        } catch (IOException e) {
            closeQuietly(file);
            reject(session, r, ErrorCode.STORAGE_ERROR, "the node could not read " + name);
            return;
        }
        long size = file.file().size();
        ChunkLayout layout = new ChunkLayout(size, chunkSize(r, settings, session, size));
        Download download = new Download(UUID.randomUUID(), user, name, file, layout, r.compression(), hash,
                settings.window(), context.pool());
        download.attach(session, context.clock().millis());
        try {
            context.checkpoints().save(download.checkpoint(context.clock().millis()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not save the checkpoint of a download of " + name, e);
        }
        context.transfers().add(download);
        download.work().execute(() -> {
            download.send(new DownloadAccept(r.requestId(), download.id(), size, hash, layout.chunkCount(), layout.chunkSize(),
                    r.compression(), download.window));
            pump(download);
        });
    }

    /**
     * The client's chunk size (or the node's when it leaves it open), within the session's maximum,
     * raised as far as that allows when the file would otherwise have more chunks than a transfer may.
     */
    private static int chunkSize(DownloadRequest r, FilesSettings settings, Session session, long size) {
        int max = session.limits().maxChunkSize();
        int chunkSize = Math.max(1, Math.min(r.chunkSize() == 0 ? settings.chunkSize() : r.chunkSize(), max));
        while (chunkSize < max && ChunkLayout.count(size, chunkSize) > MAX_CHUNKS) {
            chunkSize = (int) Math.min(max, chunkSize * 2L);
        }
        return chunkSize;
    }

    private static void reject(Session session, DownloadRequest r, ErrorCode code, String reason) {
        session.send(new DownloadReject(r.requestId(), code.code(), reason, ""));
    }

    /**
     * Sends chunks while the window allows and the session is writable; DOWNLOAD_COMPLETE once every
     * chunk is acknowledged. A session that is not writable (its socket is full, or the client sent
     * PAUSE) gets no more chunks until it is again, so a paused client is never sent a window of
     * chunks the node would have to hold back for it.
     */
    void pump(Download d) {
        Session session = d.session();
        if (d.ended() || session == null || d.file == null) {
            return;
        }
        while (d.inFlight.size() < d.window) {
            if (!session.writable()) {
                d.watchWritability(session, () -> d.work().execute(() -> pump(d)));
                if (!session.writable()) {
                    break; // (checked again: it may have turned writable before the watch began)
                }
            }
            int index = nextToSend(d);
            if (index < 0) {
                break;
            }
            try {
                send(d, index);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not read " + d.name(), e);
                d.abort(true, ErrorCode.STORAGE_ERROR, "the node could not read the file");
                park(d);
                return;
            }
        }
        if (d.acked.isComplete() && !d.completeSent) {
            d.completeSent = true;
            d.send(new DownloadComplete(d.id()));
        }
    }

    private static int nextToSend(Download d) {
        Integer again = d.resend.poll();
        if (again != null) {
            return again;
        }
        while (d.next < d.layout().chunkCount() && (d.acked.contains(d.next) || d.inFlight.contains(d.next))) {
            d.next++;
        }
        return d.next < d.layout().chunkCount() ? d.next++ : -1;
    }

    /**
     * Reads chunk {@code index} into a direct buffer with room for the frame's header, and sends it
     * from there when it goes uncompressed (the usual case: adaptive compression skips data that does
     * not compress, and periods its {@link io.aldis.protocol.api.files.CompressionTrials} found faster
     * as they are); only a chunk to be compressed is copied into an array for {@link ChunkCodec}.
     * The file's bytes are then copied once on their way to the socket, where an array took two
     * copies more and a zeroed allocation per chunk (docs/benchmarks.md).
     */
    private static void send(Download d, int index) throws IOException {
        int size = d.layout().sizeOf(index);
        long offset = d.layout().offsetOf(index);
        boolean last = index == d.layout().chunkCount() - 1;
        ByteBuf frame = EncodedChunkData.allocate(ByteBufAllocator.DEFAULT, size);
        try {
            ByteBuffer chunk = frame.nioBuffer(frame.writerIndex(), size);
            while (chunk.hasRemaining()) {
                if (d.file.read(chunk, offset + chunk.position()) < 0) {
                    throw new IOException("the file is shorter than when the download began");
                }
            }
            chunk.flip();
            frame.writerIndex(frame.writerIndex() + size);
            Compression compression = d.trials.forChunk(index);
            if (ChunkCodec.sentAsIs(chunk, compression)) {
                int crc = ChunkCodec.crc32(chunk);
                EncodedChunkData data = EncodedChunkData.of(frame, last, d.id(), index, crc);
                frame = null; // the frame owns it now, and the session releases it once written
                d.inFlight.add(index);
                d.send(data);
                return;
            }
            byte[] bytes = new byte[size];
            chunk.get(bytes);
            ChunkCodec.Encoded encoded = ChunkCodec.encode(bytes, 0, size, compression);
            d.inFlight.add(index);
            d.send(new ChunkData(encoded.compressed(), last, d.id(), index, size, encoded.crc32(), encoded.data()));
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    /** CHUNK_ACK from the client. */
    public void ack(Download d, ChunkAck ack) {
        d.work().execute(() -> {
            int index = ack.chunkIndex();
            if (d.ended() || !d.layout().holds(index)) {
                return;
            }
            if (d.inFlight.remove(index)) {
                d.trials.acknowledged(index);
            }
            d.acked.add(index);
            d.resend.remove(index);
            pump(d);
        });
    }

    /** CHUNK_NACK: the chunk is read and sent again, up to {@link #MAX_NACKS} times. */
    public void nack(Download d, ChunkNack nack) {
        d.work().execute(() -> {
            int index = nack.chunkIndex();
            if (d.ended() || !d.layout().holds(index) || d.acked.contains(index)) {
                return;
            }
            d.inFlight.remove(index);
            int times = d.nacks.merge(index, 1, Integer::sum);
            if (times >= MAX_NACKS) {
                d.abort(false, ErrorCode.of(nack.code()) != null ? ErrorCode.of(nack.code()) : ErrorCode.PROTOCOL_ERROR,
                        "chunk " + index + " was refused " + times + " times");
                discard(d);
                context.events().failed(d.user(), d.name(), "download", nack.code(), "a chunk was refused repeatedly");
                return;
            }
            if (!d.resend.contains(index)) {
                d.resend.add(index);
            }
            pump(d);
        });
    }

    /** DOWNLOAD_VERIFY ends the download either way; it is not answered. */
    public void verify(Download d, DownloadVerify verify) {
        d.work().execute(() -> {
            if (d.ended()) {
                return;
            }
            discard(d);
            if (verify.verified()) {
                context.events().downloaded(d.user(), d.name(), d.layout().fileSize());
            } else {
                context.events().failed(d.user(), d.name(), "download", ErrorCode.FILE_HASH_MISMATCH.code(),
                        "the client's SHA-256 did not match");
            }
        });
    }

    /** Detaches the download from its session; it keeps its file open for a resume. On its executor. */
    public void park(Download d) {
        d.stopWatching();
        d.detach(context.clock().millis());
        d.inFlight.clear();
        d.resend.clear();
    }

    /** Ends the download and forgets it. On its executor. */
    public void discard(Download d) {
        d.stopWatching();
        d.end();
        context.transfers().remove(d);
        if (d.file != null) {
            closeQuietly(d.file);
            d.file = null;
        }
        try {
            if (!context.locks().clustered()) {
                context.checkpoints().delete(d.id());
                return;
            }
            // In a cluster, only while the checkpoint is still this node's: another node sharing the
            // storage may have taken the download over.
            context.locks().callLocked(StoreLocks.ofTransfer(d.id()), () -> {
                if (context.checkpoints().savedLastHere(d.id())) {
                    context.checkpoints().delete(d.id());
                }
                return null;
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the checkpoint of a download of " + d.name(), e);
        }
    }

    /** Forgets a download that another node sharing the storage took over; its checkpoint is left to that node. */
    public void forget(Download d) {
        d.end();
        context.transfers().drop(d);
        d.work().execute(() -> {
            d.stopWatching();
            if (d.file != null) {
                closeQuietly(d.file);
                d.file = null;
            }
        });
    }

    /** A download rebuilt from its checkpoint, without its file (see {@link #reopen}). */
    public Download restore(Checkpoint c) {
        Download d = new Download(c.id(), c.user(), c.name(), null, new ChunkLayout(c.fileSize(), c.chunkSize()),
                c.compression(), c.fileHash(), context.settings().get().window(), context.pool());
        d.detach(c.savedMillis());
        return d;
    }

    /**
     * Opens the download's file again when it was closed (the node or the feature restarted).
     *
     * @return false when the file is gone or no longer the one the download began with
     */
    public boolean reopen(Download d) {
        if (d.file != null) {
            return true;
        }
        try {
            ReadableFile file = context.store().open(d.user(), d.name());
            byte[] now = context.hashes().of(d.user(), file);
            if (file.file().size() != d.layout().fileSize() || !java.security.MessageDigest.isEqual(now, d.hash())) {
                closeQuietly(file);
                return false;
            }
            d.file = file;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts again from the chunks the client holds; the caller has attached the session. On its executor. */
    public void resume(Download d, ChunkSet held, int window) {
        d.restart(held, window);
        pump(d);
    }

    private static void closeQuietly(ReadableFile file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
