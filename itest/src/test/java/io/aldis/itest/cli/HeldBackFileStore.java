package io.aldis.itest.cli;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.itest.support.GatedFileStore;
import java.io.IOException;
import java.io.InterruptedIOException;
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
final class HeldBackFileStore extends GatedFileStore {
    private final AtomicLong allowance = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong read = new AtomicLong();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    HeldBackFileStore(FileStore store) {
        super(store);
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

    @Override
    protected void beforeWrite(String key, int bytes) throws IOException {
        pass(bytes);
    }

    @Override
    protected void beforeRead(int bytes) throws IOException {
        read.addAndGet(bytes);
        pass(bytes);
    }

    /** Bytes downloads have asked to read so far. */
    long read() {
        return read.get();
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
}
