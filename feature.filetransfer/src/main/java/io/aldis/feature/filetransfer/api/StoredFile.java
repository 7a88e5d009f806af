package io.aldis.feature.filetransfer.api;

/**
 * A published file as a {@link FileStore} describes it.
 *
 * @param name           the path relative to the user's area
 * @param size           its size in bytes
 * @param modifiedMillis its last modification, in milliseconds since the epoch
 */
public record StoredFile(String name, long size, long modifiedMillis) {
}
