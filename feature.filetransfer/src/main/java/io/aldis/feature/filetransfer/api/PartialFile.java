package io.aldis.feature.filetransfer.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/** A partial upload open for writing; see {@link FileStore#openPartial}. Used by one thread at a time. */
@ConsumerType
public interface PartialFile extends AutoCloseable {
    /**
     * Writes every remaining byte of {@code bytes} at {@code offset}. The buffer is lent for the
     * call only: the node reuses it for the next chunk once the call returned, so a store that
     * writes later must copy it first.
     */
    void write(ByteBuffer bytes, long offset) throws IOException;

    /** Reads up to {@code bytes.remaining()} bytes at {@code offset}; returns how many, or -1 past the end. */
    int read(ByteBuffer bytes, long offset) throws IOException;

    /** Makes everything written so far durable. */
    void sync() throws IOException;

    @Override
    void close() throws IOException;
}
