package io.aldis.protocol.api;

import java.util.Objects;

/**
 * FILE_REMOVE: the client deletes a published file of its storage area; answered by ACK or ERROR.
 *
 * @param requestId the id the answer carries
 * @param fileName the file, relative to the user's storage area
 */
public record FileRemove(long requestId, String fileName) implements Frame {
    public FileRemove {
        Objects.requireNonNull(fileName, "fileName");
    }

    @Override
    public FrameType type() {
        return FrameType.FILE_REMOVE;
    }
}
