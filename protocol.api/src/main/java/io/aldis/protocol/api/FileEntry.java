package io.aldis.protocol.api;

import java.util.Objects;

/**
 * One stored file in a LIST_RESPONSE.
 *
 * @param name           the file name, relative to the user's storage area
 * @param size           the size in bytes
 * @param modifiedMillis the last modification, in milliseconds since the epoch
 */
public record FileEntry(String name, long size, long modifiedMillis) {
    public FileEntry {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
