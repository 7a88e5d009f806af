package io.aldis.client;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One upload or download that {@link AldisClient#upload} or {@link AldisClient#download} started.
 * It runs on its own: it survives a broken connection (it resumes once the client has reconnected)
 * and, through its checkpoint, a restart of the application.
 */
@ProviderType
public interface Transfer {
    /** The node's id of the transfer, once the node accepted it; empty before. A restart may change it. */
    Optional<UUID> id();

    /**
     * Completes when the file is transferred and its SHA-256 verified, or fails with a
     * {@link FileTransferException} carrying the protocol's code ({@code CANCELLED} after
     * {@link #cancel()}). Completed on the client's callback executor.
     */
    CompletableFuture<TransferResult> result();

    /**
     * The bytes of the file this transfer has moved in this process so far: each chunk once the
     * node acknowledged it (upload) or once it is stored here (download), again when it had to be
     * moved again after a broken connection. What a checkpoint already held when the transfer went
     * on from it is not counted, so with the time the transfer took this gives the rate of this run
     * when {@link TransferResult#size()} would overstate it. Any thread.
     *
     * @since 1.7
     */
    long bytesMoved();

    /**
     * Stops the transfer for good: the node is told ({@code TRANSFER_ABORT CANCELLED}) and discards
     * it, a download's partial file and the checkpoint are deleted, and {@link #result()} fails with
     * {@code CANCELLED}. Does nothing once the transfer has ended.
     */
    void cancel();
}
