package io.aldis.client.internal.files;

import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The read stage of an upload: reads the file once, in order, computes its SHA-256 on the way
 * (UPLOAD_COMPLETE carries it, docs/protocol.md 6.5.3) and encodes each chunk the node still needs
 * with {@link ChunkCodec}, on the pool, ahead of the sender. It holds at most {@code capacity}
 * encoded chunks that the sender has not taken yet, and stops reading until the sender takes one
 * ({@link #taken()}), so memory does not grow with the file.
 */
final class UploadReader {
    /** One chunk read and encoded, ready to go out. */
    record ReadChunk(int index, ChunkCodec.Encoded encoded) {
    }

    private final FileChannel source;
    private final ChunkLayout layout;
    private final Compression compression;
    /** Chunks the node already holds: hashed, not sent. */
    private final BitSet skip;
    private final int capacity;
    private final Executor pool;
    private final Consumer<ReadChunk> onChunk;
    private final Consumer<byte[]> onHash;
    private final Consumer<IOException> onError;
    private final MessageDigest sha;
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The next chunk to read; written by the reading task only. */
    private volatile int next;
    private volatile boolean stopped;

    UploadReader(FileChannel source, ChunkLayout layout, Compression compression, BitSet skip, int capacity,
            Executor pool, Consumer<ReadChunk> onChunk, Consumer<byte[]> onHash, Consumer<IOException> onError) {
        this.source = source;
        this.layout = layout;
        this.compression = compression;
        this.skip = skip;
        this.capacity = capacity;
        this.pool = pool;
        this.onChunk = onChunk;
        this.onHash = onHash;
        this.onError = onError;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
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
        return !stopped && next <= layout.chunkCount() && buffered.get() < capacity;
    }

    private void readSome() throws IOException {
        int count = layout.chunkCount();
        while (!stopped && buffered.get() < capacity) {
            int index = next;
            if (index == count) {
                next = count + 1; // the hash is handed over once
                onHash.accept(sha.digest());
                return;
            }
            byte[] chunk = read(source, layout, index);
            sha.update(chunk);
            next = index + 1;
            if (skip.get(index)) {
                continue;
            }
            buffered.incrementAndGet();
            onChunk.accept(new ReadChunk(index, ChunkCodec.encode(chunk, 0, chunk.length, compression)));
        }
    }

    /** Reads chunk {@code index} of the file again, for a resend. */
    static byte[] read(FileChannel source, ChunkLayout layout, int index) throws IOException {
        byte[] chunk = new byte[layout.sizeOf(index)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long position = layout.offsetOf(index);
        while (buffer.hasRemaining()) {
            int n = source.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("the file ended at " + (position + buffer.position()) + " bytes, before chunk "
                        + index + " was read; it changed while it was sent");
            }
        }
        return chunk;
    }
}
