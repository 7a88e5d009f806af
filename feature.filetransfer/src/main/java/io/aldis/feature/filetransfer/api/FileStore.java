package io.aldis.feature.filetransfer.api;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the file-transfer feature keeps files, their partial uploads and its checkpoints. The
 * feature talks to storage only through this interface; the local file system is the default
 * provider; when another bundle registers one, the feature uses the highest-ranked registered store.
 *
 * <p><b>Areas and names.</b> Each user has a storage area. A {@code name} is a path relative to
 * that area, with {@code /} between segments, already checked by the feature against the syntax
 * of docs/protocol.md 6.5.1. The store still refuses, with {@link OutsideAreaException}, a name
 * that its own storage would resolve outside the area (through a symbolic link, say), because only
 * the store can tell.
 *
 * <p><b>Partial files and publishing.</b> An upload is written to a partial file identified by the
 * transfer's key, never under its final name. {@link #publish} makes the partial file durable and
 * then puts it under its final name in one atomic step: a reader sees either the old file or the
 * complete new one, also after a crash. Partial files and states are never {@linkplain #list
 * listed}.
 *
 * <p><b>States.</b> Small records (checkpoints) kept by key, each written whole and atomically.
 *
 * <p>Implementations are thread-safe; every method may block on I/O and is never called on a
 * network thread.
 */
@ConsumerType
public interface FileStore {
    /**
     * Opens the partial file of {@code key} for writing at any offset, creating it empty if it does
     * not exist; the partial data of an interrupted upload is kept.
     */
    PartialFile openPartial(String key) throws IOException;

    /** Deletes the partial file of {@code key}; nothing happens if there is none. */
    void deletePartial(String key) throws IOException;

    /**
     * Syncs the partial file of {@code key} to durable storage and publishes it atomically as
     * {@code name} in {@code user}'s area, replacing a file of that name. The partial file is gone
     * afterwards.
     *
     * @return the published file
     */
    StoredFile publish(String key, String user, String name) throws IOException;

    /**
     * Opens a published file for reading. The handle keeps reading the file as it was when it was
     * opened, even if it is replaced or removed meanwhile.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     */
    ReadableFile open(String user, String name) throws IOException;

    /** The published file {@code name} of {@code user}, or null when there is none. */
    StoredFile stat(String user, String name) throws IOException;

    /** Every published file of {@code user}'s area, in no particular order. */
    List<StoredFile> list(String user) throws IOException;

    /**
     * The users whose areas hold at least one published file, in no particular order: what an
     * operator lists when no user is named. A store that cannot tell keeps this default, and the
     * operator names a user.
     *
     * @throws UnsupportedOperationException when the store cannot list its areas
     */
    default List<String> users() throws IOException {
        throw new UnsupportedOperationException("this file store cannot list its users' areas");
    }

    /** Deletes a published file; false when there was none. */
    boolean delete(String user, String name) throws IOException;

    /** Bytes of every published file of every area together. */
    long totalSize() throws IOException;

    /** Bytes of storage still free for new files. */
    long usableSpace() throws IOException;

    /** Writes (or replaces) the state {@code key} atomically. */
    void writeState(String key, byte[] state) throws IOException;

    /** The state {@code key}, or null when there is none. */
    byte[] readState(String key) throws IOException;

    /** The keys of every state. */
    List<String> states() throws IOException;

    /** Deletes the state {@code key}; nothing happens if there is none. */
    void deleteState(String key) throws IOException;
}
