package io.aldis.feature.filetransfer.internal;

import io.aldis.feature.filetransfer.api.StoredFile;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * What the feature's shell commands use, registered as a service of this bundle only.
 */
public interface FilesAdmin {
    /**
     * A transfer as an operator sees it.
     *
     * @param id        its id
     * @param user      whose it is
     * @param direction upload or download
     * @param name      the file's name in the user's area
     * @param done      chunks stored (upload) or acknowledged (download)
     * @param total     chunks in all
     * @param size      the file's size in bytes
     * @param state     running, or waiting at its checkpoint
     */
    /**
     * One transfer: chunks done and in all, the file's size, bytes done, bytes per second since it
     * last started running (0 while it waits), and seconds left at that rate (-1: unknown).
     */
    record TransferRow(UUID id, String user, String direction, String name, long done, long total, long size,
            long bytesDone, double bytesPerSecond, long secondsLeft, String state) {
    }

    /** The transfers known now, running or waiting at a checkpoint. */
    List<TransferRow> transfers();

    /** Ends a transfer as an operator: TRANSFER_ABORT CANCELLED to its client, its data discarded. */
    boolean cancel(UUID id);

    /** The files of {@code user} whose names match {@code pattern}, sorted by name. */
    List<StoredFile> files(String user, String pattern) throws IOException;

    /**
     * The users whose areas hold published files, sorted.
     *
     * @throws UnsupportedOperationException when the store in use cannot list its areas
     */
    List<String> users() throws IOException;

    /** Removes a file of {@code user}; false when there was none. */
    boolean remove(String user, String name) throws IOException;

    /** What {@code user} stores, has reserved, and may store (0: no quota), in bytes. */
    long[] quota(String user) throws IOException;
}
