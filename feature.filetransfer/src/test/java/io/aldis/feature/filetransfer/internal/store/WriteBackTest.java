package io.aldis.feature.filetransfer.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.protocol.api.files.WriteBack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partial files are written back to the disk while they are written, off the writer's thread. */
class WriteBackTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void aPartialFileIsWrittenBackEveryFewMegabytesBeforeAnyoneSyncsIt() throws Exception {
        LocalFileStore store = new LocalFileStore(root);
        PartialFile partial = store.openPartial("upload-1");
        WriteBack writeBack = ((LocalFileStore.LocalPartialFile) partial).writeBack();
        long size = 3 * LocalFileStore.WRITE_BACK_EVERY_BYTES;
        byte[] chunk = new byte[MIB];
        for (long at = 0; at < size; at += chunk.length) {
            partial.write(ByteBuffer.wrap(chunk), at);
            if ((at + chunk.length) % LocalFileStore.WRITE_BACK_EVERY_BYTES == 0) {
                // one write-back runs at a time: let it end, so that the next threshold starts another
                writeBack.awaitIdle();
            }
        }

        assertThat(writeBack.started()).isEqualTo(3);
        partial.sync();
        partial.close();
        assertThat(store.publish("upload-1", "ann", "f.bin").size()).isEqualTo(size);
    }

    @Test
    void nothingIsWrittenBackBelowTheThreshold() throws Exception {
        PartialFile partial = new LocalFileStore(root).openPartial("upload-1");
        partial.write(ByteBuffer.wrap(new byte[MIB]), 0);
        WriteBack writeBack = ((LocalFileStore.LocalPartialFile) partial).writeBack();
        writeBack.awaitIdle();
        assertThat(writeBack.started()).isZero();
        partial.close();
    }

    @Test
    void onlyOneWriteBackRunsAtATimeAndTheNextStartsFromWhatGatheredMeanwhile() throws Exception {
        Queue<Runnable> thread = new ArrayDeque<>();
        WriteBack writeBack = new WriteBack(new FailingChannel(), thread::add, 10);
        writeBack.written(10);
        writeBack.written(25);
        assertThat(writeBack.started()).isEqualTo(1);
        assertThat(thread).hasSize(1);

        thread.poll().run();
        writeBack.written(1);
        assertThat(writeBack.started()).isEqualTo(2);
    }

    @Test
    void aFailedWriteBackIsReportedToTheOwnersNextCheck() throws Exception {
        Queue<Runnable> thread = new ArrayDeque<>();
        FailingChannel channel = new FailingChannel();
        WriteBack writeBack = new WriteBack(channel, thread::add, 10);
        writeBack.written(10);
        channel.fail = true;
        thread.poll().run();

        assertThatThrownBy(writeBack::checkFailure).isInstanceOf(IOException.class)
                .hasMessageContaining("writing the file back to the disk failed").hasRootCauseMessage("EIO");
        channel.fail = false;
        writeBack.written(10);
        thread.poll().run();
        // The kernel told only that write-back: what it lost stays lost whatever comes after.
        assertThatThrownBy(writeBack::checkFailure).isInstanceOf(IOException.class);
    }

    @Test
    void aFailedSyncOfTheOwnerFailsEveryLaterSyncOnAnyThread() throws Exception {
        FailingChannel channel = new FailingChannel();
        WriteBack writeBack = new WriteBack(channel, Runnable::run, Long.MAX_VALUE);
        writeBack.sync(false);
        channel.fail = true;
        Throwable inBackground = CompletableFuture.supplyAsync(() -> catchThrowable(() -> writeBack.sync(false)))
                .get(10, TimeUnit.SECONDS);
        assertThat(inBackground).isInstanceOf(IOException.class).hasRootCauseMessage("EIO");
        channel.fail = false;
        // The kernel told only the sync that failed: a later one that succeeds proves nothing.
        assertThatThrownBy(() -> writeBack.sync(true)).isInstanceOf(IOException.class).hasRootCauseMessage("EIO");
    }

    /** A channel whose force fails when told to; nothing else of it is used. */
    static final class FailingChannel extends FileChannel {
        volatile boolean fail;

        @Override
        public void force(boolean metaData) throws IOException {
            if (fail) {
                throw new IOException("EIO");
            }
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
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
        public long position() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileChannel position(long newPosition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long size() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileChannel truncate(long size) {
            throw new UnsupportedOperationException();
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
        public int read(ByteBuffer dst, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
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
