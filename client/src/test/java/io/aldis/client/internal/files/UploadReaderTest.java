package io.aldis.client.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.CompressionTrials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read stage of an upload reports failures other than an IOException, so that no upload waits for ever. */
class UploadReaderTest {
    @TempDir
    Path dir;

    @Test
    void aReadThatThrowsAnUncheckedExceptionFailsTheUpload() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[3000]);
        // A channel opened for writing only throws NonReadableChannelException, unchecked, on a read.
        try (FileChannel writeOnly = FileChannel.open(file, StandardOpenOption.WRITE)) {
            assertThat(errorsReading(writeOnly)).singleElement().satisfies(e -> {
                assertThat(e).hasMessage("it failed unexpectedly while being read");
                assertThat(e.getCause()).isInstanceOf(NonReadableChannelException.class);
            });
        }
    }

    @Test
    void runningOutOfMemoryFailsTheUploadInWords() throws Exception {
        try (FileChannel noMemory = new NoMemoryChannel()) {
            assertThat(errorsReading(noMemory)).singleElement().satisfies(e -> {
                assertThat(e).hasMessage("not enough memory to read ahead; fewer transfers at once need less");
                assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
            });
        }
    }

    /** Reads a file of 3 chunks of 1000 bytes from {@code source}: the errors reported; no chunk nor hash may come. */
    private static List<IOException> errorsReading(FileChannel source) {
        ChunkLayout layout = new ChunkLayout(3000, 1000);
        List<Object> handed = new ArrayList<>();
        List<IOException> errors = new ArrayList<>();
        new UploadReader(source, UUID.randomUUID(), layout, new CompressionTrials(Compression.NONE, layout, 2),
                new BitSet(), () -> 2, Runnable::run, handed::add, handed::add, errors::add).start();
        assertThat(handed).isEmpty();
        return errors;
    }

    /** A channel whose reads fail as a direct buffer's allocation does when direct memory runs out. */
    private static final class NoMemoryChannel extends FileChannel {
        @Override
        public int read(ByteBuffer dst, long position) {
            throw new OutOfMemoryError("Cannot reserve 1000 bytes of direct buffer memory");
        }

        @Override
        public int read(ByteBuffer dst) {
            return read(dst, 0);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            return read(dsts[offset], 0);
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return 3000;
        }

        @Override
        public FileChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void force(boolean metaData) {
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() {
        }
    }
}
