package io.aldis.client.internal.files;

import io.aldis.client.Transfer;
import io.aldis.client.TransferResult;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What the application holds of a transfer: the transfer's own methods and nothing of its
 * machinery. For tests in this package, it also tells how many chunks an upload held at most.
 */
final class TransferHandle implements Transfer {
    private final FileTransfer transfer;

    TransferHandle(FileTransfer transfer) {
        this.transfer = transfer;
    }

    @Override
    public Optional<UUID> id() {
        return transfer.id();
    }

    @Override
    public CompletableFuture<TransferResult> result() {
        return transfer.result();
    }

    @Override
    public long bytesMoved() {
        return transfer.bytesMoved();
    }

    @Override
    public void cancel() {
        transfer.cancel();
    }

    /** The transfer behind a handle this class made. */
    static FileTransfer of(Transfer handle) {
        return ((TransferHandle) handle).transfer;
    }

    @Override
    public String toString() {
        return "Transfer" + transfer.id().map(id -> " " + id).orElse(" (not accepted yet)");
    }
}
