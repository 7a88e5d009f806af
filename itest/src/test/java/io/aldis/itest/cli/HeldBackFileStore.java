package io.aldis.itest.cli;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.StoredFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's storage with a gate in front of file data: once armed, it lets a number of bytes of
 * uploads written or downloads read pass, then holds the transfer's next write or read until the
 * test releases it. That stops a transfer mid-way at a point the test knows of, as a slow disk
 * would, without timing: the test waits for {@link #awaitHeld} instead of hoping a transfer is
 * still running.
 */
final class HeldBackFileStore implements FileStore {
    private final FileStore store;
    private final AtomicLong allowance = new AtomicLong(Long.MAX_VALUE);
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    HeldBackFileStore(FileStore store) {
        this.store = store;
    }

    /** From now on, holds file data back once {@code bytes} more have passed. */
    void holdAfter(long bytes) {
        allowance.set(bytes);
    }

    /** Waits until a transfer is held at the gate. */
    boolean awaitHeld(long timeout, TimeUnit unit) throws InterruptedException {
        return held.await(timeout, unit);
    }

    /** Lets everything pass again, the held transfer first. */
    void release() {
        allowance.set(Long.MAX_VALUE);
        released.countDown();
    }

    private void pass(int bytes) throws IOException {
        if (allowance.addAndGet(-bytes) >= 0 || released.getCount() == 0) {
            return;
        }
        held.countDown();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("held back until the node stopped");
        }
    }

    @Override
    public PartialFile openPartial(String key) throws IOException {
        PartialFile partial = store.openPartial(key);
        return new PartialFile() {
            @Override
            public void write(ByteBuffer bytes, long offset) throws IOException {
                pass(bytes.remaining());
                partial.write(bytes, offset);
            }

            @Override
            public int read(ByteBuffer bytes, long offset) throws IOException {
                return partial.read(bytes, offset);
            }

            @Override
            public void sync() throws IOException {
                partial.sync();
            }

            @Override
            public void close() throws IOException {
                partial.close();
            }
        };
    }

    @Override
    public ReadableFile open(String user, String name) throws IOException {
        ReadableFile file = store.open(user, name);
        return new ReadableFile() {
            @Override
            public StoredFile file() {
                return file.file();
            }

            @Override
            public int read(ByteBuffer bytes, long offset) throws IOException {
                pass(bytes.remaining());
                return file.read(bytes, offset);
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public void deletePartial(String key) throws IOException {
        store.deletePartial(key);
    }

    @Override
    public StoredFile publish(String key, String user, String name) throws IOException {
        return store.publish(key, user, name);
    }

    @Override
    public StoredFile stat(String user, String name) throws IOException {
        return store.stat(user, name);
    }

    @Override
    public List<StoredFile> list(String user) throws IOException {
        return store.list(user);
    }

    @Override
    public boolean delete(String user, String name) throws IOException {
        return store.delete(user, name);
    }

    @Override
    public long totalSize() throws IOException {
        return store.totalSize();
    }

    @Override
    public long usableSpace() throws IOException {
        return store.usableSpace();
    }

    @Override
    public void writeState(String key, byte[] state) throws IOException {
        store.writeState(key, state);
    }

    @Override
    public byte[] readState(String key) throws IOException {
        return store.readState(key);
    }

    @Override
    public List<String> states() throws IOException {
        return store.states();
    }

    @Override
    public void deleteState(String key) throws IOException {
        store.deleteState(key);
    }
}
