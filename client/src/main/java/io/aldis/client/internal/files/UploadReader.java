package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.CompressionTrials;
import io.aldis.protocol.api.files.FileSha256;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The read stage of an upload: reads the file once, in order, computes its SHA-256 on the way
 * (UPLOAD_COMPLETE carries it, docs/protocol.md 6.5.3) and makes the CHUNK_DATA of each chunk the
 * node still needs, on the pool, ahead of the sender. It holds at most {@code capacity} chunks that
 * the sender has not taken yet (asked each time: uploads running at once share it), and stops
 * reading until the sender takes one ({@link #taken()}), so memory does not grow with the file.
 *
 * <p>A chunk is read straight into a direct buffer with room for its frame's header, and one that
 * goes uncompressed (with adaptive compression, any chunk that does not shrink, and every chunk of
 * a period that the {@link CompressionTrials} send as it is) is sent from there as an
 * {@link EncodedChunkData}: its bytes are copied once, into the socket. Only a chunk to be
 * compressed is copied into an array for {@link ChunkCodec}. Chunks of a megabyte in arrays cost a
 * zeroed allocation and two copies more each, and the garbage collector treats such arrays as
 * humongous objects (docs/benchmarks.md).
 */
final class UploadReader {
    /**
     * One chunk read, as the CHUNK_DATA frame to send. An {@link EncodedChunkData} holds a buffer:
     * whoever drops the chunk instead of sending it {@linkplain #release() releases} it.
     */
    record ReadChunk(int index, Frame frame) {
        void release() {
            ReferenceCountUtil.release(frame);
        }
    }

    private final FileChannel source;
    private final UUID transferId;
    private final ChunkLayout layout;
    private final CompressionTrials trials;
    /** Chunks the node already holds: hashed, not sent. */
    private final BitSet skip;
    private final IntSupplier capacity;
    private final Executor pool;
    private final Consumer<ReadChunk> onChunk;
    private final Consumer<byte[]> onHash;
    private final Consumer<IOException> onError;
    private final FileSha256 sha;
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The next chunk to read; written by the reading task only. */
    private volatile int next;
    private volatile boolean stopped;

    UploadReader(FileChannel source, UUID transferId, ChunkLayout layout, CompressionTrials trials, BitSet skip,
            IntSupplier capacity, Executor pool, Consumer<ReadChunk> onChunk, Consumer<byte[]> onHash,
            Consumer<IOException> onError) {
        this.source = source;
        this.transferId = transferId;
        this.layout = layout;
        this.trials = trials;
        this.skip = skip;
        this.capacity = capacity;
        this.pool = pool;
        this.onChunk = onChunk;
        this.onHash = onHash;
        this.onError = onError;
        this.sha = new FileSha256();
    }

    /** Starts reading, or goes on if it stopped for room. */
    void start() {
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::readWhileRoom);
        }
    }

    /** The sender took a chunk: there is room for one more. */
    void taken() {
        buffered.decrementAndGet();
        if (!stopped && next <= layout.chunkCount()) {
            start();
        }
    }

    /** Stops for good; a chunk being read may still be handed over. */
    void stop() {
        stopped = true;
    }

    /** The next chunk the reader will read: every chunk below it was read, or is being read. */
    int next() {
        return next;
    }

    /** Encoded chunks read and not yet taken by the sender. */
    int buffered() {
        return buffered.get();
    }

    private void readWhileRoom() {
        for (;;) {
            try {
                readSome();
            } catch (IOException e) {
                stopped = true;
                onError.accept(e);
            } catch (RuntimeException | OutOfMemoryError e) {
                // Thrown on, it would end only this pool thread, and the upload would wait for chunks for ever.
                stopped = true;
                String why = e instanceof OutOfMemoryError
                        ? "not enough memory to read ahead; fewer transfers at once need less"
                        : "it failed unexpectedly while being read";
                onError.accept(new IOException(why, e));
            } finally {
                scheduled.set(false);
            }
            // A chunk taken while the flag was still set found no reader to wake; look again.
            if (!hasWork() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private boolean hasWork() {
        return !stopped && next <= layout.chunkCount() && buffered.get() < capacity.getAsInt();
    }

    private void readSome() throws IOException {
        int count = layout.chunkCount();
        while (!stopped && buffered.get() < capacity.getAsInt()) {
            int index = next;
            if (index == count) {
                next = count + 1; // the hash is handed over once
                onHash.accept(sha.digest());
                return;
            }
            ByteBuf frame = readChunk(source, layout, index);
            sha.update(chunkIn(frame, layout.sizeOf(index)));
            next = index + 1;
            if (skip.get(index)) {
                frame.release();
                continue;
            }
            ReadChunk read = new ReadChunk(index, frameOf(frame, transferId, layout, index, trials.forChunk(index)));
            buffered.incrementAndGet();
            onChunk.accept(read);
        }
    }

    /**
     * Reads chunk {@code index} of the file again, for a resend: its CHUNK_DATA, as the reader makes
     * it with {@code compression}, the way its period goes ({@link CompressionTrials#forChunk}).
     */
    static Frame readAgain(FileChannel source, UUID transferId, ChunkLayout layout, int index, Compression compression)
            throws IOException {
        return frameOf(readChunk(source, layout, index), transferId, layout, index, compression);
    }

    /**
     * Chunk {@code index} of the file, read into a buffer from {@link EncodedChunkData#allocate}; the
     * caller owns it.
     */
    private static ByteBuf readChunk(FileChannel source, ChunkLayout layout, int index) throws IOException {
        int size = layout.sizeOf(index);
        ByteBuf frame = EncodedChunkData.allocate(ByteBufAllocator.DEFAULT, size);
        try {
            readFully(source, frame.nioBuffer(frame.writerIndex(), size), layout.offsetOf(index), index);
        } catch (IOException | RuntimeException e) {
            frame.release();
            throw e;
        }
        frame.writerIndex(frame.writerIndex() + size);
        return frame;
    }

    /** The chunk's bytes in a buffer from {@link #readChunk}, {@code size} of them, as a view. */
    private static ByteBuffer chunkIn(ByteBuf frame, int size) {
        return frame.nioBuffer(frame.writerIndex() - size, size);
    }

    /**
     * The CHUNK_DATA of chunk {@code index}, read into {@code frame} by {@link #readChunk}, which it
     * takes over: an {@link EncodedChunkData} that holds {@code frame} when the chunk goes
     * uncompressed, else a compressed {@link ChunkData} of a copy, {@code frame} released.
     */
    private static Frame frameOf(ByteBuf frame, UUID transferId, ChunkLayout layout, int index, Compression compression) {
        boolean last = index == layout.chunkCount() - 1;
        ByteBuffer chunk = chunkIn(frame, layout.sizeOf(index));
        try {
            if (ChunkCodec.sentAsIs(chunk, compression)) {
                EncodedChunkData sent = EncodedChunkData.of(frame, last, transferId, index, ChunkCodec.crc32(chunk));
                frame = null; // the frame holds it now
                return sent;
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            ChunkCodec.Encoded encoded = ChunkCodec.encode(bytes, 0, bytes.length, compression);
            return new ChunkData(encoded.compressed(), last, transferId, index, encoded.originalSize(), encoded.crc32(),
                    encoded.data());
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    private static void readFully(FileChannel source, ByteBuffer buffer, long position, int index) throws IOException {
        while (buffer.hasRemaining()) {
            int n = source.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("the file ended at " + (position + buffer.position()) + " bytes, before chunk "
                        + index + " was read; it changed while it was sent");
            }
        }
    }
}
