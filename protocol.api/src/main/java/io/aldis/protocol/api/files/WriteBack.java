package io.aldis.protocol.api.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes a file's dirty pages back to the disk while it is still being written, off the writer's
 * thread: every {@code everyBytes} written, one {@link FileChannel#force(boolean) force} runs on
 * another thread (never two at once). The sync that must come before a received file is published
 * (by the node for an upload, by a client for a download) then finds little left to write, instead
 * of the whole file.
 *
 * <p>This changes nothing of what is durable when: only the owner's own sync promises that. A
 * write-back that fails is remembered and reported by {@link #checkFailure()}, which the owner
 * calls (after {@link #awaitIdle()}) before it trusts its own sync, because the kernel reports a
 * failed write-back to one sync only. The owner's syncs go through {@link #sync(boolean)}, so that
 * one failing, on whatever thread, is remembered the same way and fails every later sync.
 */
public final class WriteBack {
    private final FileChannel channel;
    private final Executor executor;
    private final long everyBytes;
    private long unsynced;
    private boolean running;
    private int started;
    private IOException failure;

    /**
     * Writes back {@code channel} on {@code executor} every {@code everyBytes} bytes the owner
     * reports with {@link #written(long)}.
     */
    public WriteBack(FileChannel channel, Executor executor, long everyBytes) {
        this.channel = channel;
        this.executor = executor;
        this.everyBytes = everyBytes;
    }

    /** Counts {@code bytes} just written; starts a write-back when enough has gathered and none runs. */
    public synchronized void written(long bytes) {
        unsynced += bytes;
        if (running || unsynced < everyBytes) {
            return;
        }
        running = true;
        started++;
        unsynced = 0;
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException stopping) {
            running = false; // the owner's own sync still writes everything back
        }
    }

    private void run() {
        IOException failed = null;
        try {
            channel.force(false);
        } catch (ClosedChannelException closed) {
            // closed meanwhile by its owner, who synced it first or no longer needs it
        } catch (IOException e) {
            failed = e;
        }
        synchronized (this) {
            running = false;
            if (failure == null) {
                failure = failed;
            }
            notifyAll();
        }
    }

    /**
     * The owner's sync of the channel: waits for a write-back that runs, forces the channel, and
     * throws if this or any earlier sync of it (a write-back's or the owner's) failed.
     */
    public void sync(boolean metaData) throws IOException {
        awaitIdle();
        try {
            channel.force(metaData);
        } catch (ClosedChannelException closed) {
            throw closed;
        } catch (IOException e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        checkFailure();
    }

    /** Throws the failure of a write-back, if one failed: what it should have written may be lost. */
    public synchronized void checkFailure() throws IOException {
        if (failure != null) {
            throw new IOException("writing the file back to the disk failed", failure);
        }
    }

    /** Write-backs started so far. */
    public synchronized int started() {
        return started;
    }

    /** Waits until no write-back runs, so that the failure of one that ran is known. */
    public synchronized void awaitIdle() throws InterruptedIOException {
        try {
            while (running) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the file was written back to the disk");
        }
    }
}
