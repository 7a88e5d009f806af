package io.aldis.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A file in the user's storage area on the node, as {@link AldisClient#list} reports it.
 *
 * @param name     the path relative to the storage area, with {@code /} between segments
 * @param size     bytes
 * @param modified when the file was last published
 */
public record RemoteFile(String name, long size, Instant modified) {
    public RemoteFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modified, "modified");
    }
}
