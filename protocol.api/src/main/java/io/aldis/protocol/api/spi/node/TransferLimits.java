package io.aldis.protocol.api.spi.node;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by the {@link FrameHandler} of the feature that serves file transfer, so that the
 * limits CONNECT_ACK announces for files (docs/protocol.md 4.3) are the ones that feature enforces
 * while it runs, rather than numbers the core keeps without acting on them. The core asks when a
 * connection opens; when no registered handler implements it, the core announces its own settings.
 * Both methods are called from any thread and must not block.
 */
@ConsumerType
public interface TransferLimits {
    /** The largest file accepted for upload, in bytes. */
    long maxFileSize();

    /** The largest chunk, in bytes; the core lowers it to fit the session's frame size. */
    int maxChunkSize();
}
