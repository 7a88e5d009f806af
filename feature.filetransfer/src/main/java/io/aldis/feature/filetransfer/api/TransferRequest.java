package io.aldis.feature.filetransfer.api;

import java.util.Set;

/**
 * A transfer a {@link TransferPolicy} is asked about.
 *
 * @param user     the user who asks
 * @param roles    the user's roles
 * @param name     the file's name in the user's storage area
 * @param size     the file's size in bytes (for an upload, as the client announced it)
 * @param metadata an upload's {@code metadata} JSON as the client sent it, empty when none (and for downloads)
 */
public record TransferRequest(String user, Set<String> roles, String name, long size, String metadata) {
    public TransferRequest {
        roles = Set.copyOf(roles);
        metadata = metadata == null ? "" : metadata;
    }
}
