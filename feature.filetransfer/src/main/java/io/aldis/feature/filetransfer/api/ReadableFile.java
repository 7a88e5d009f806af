package io.aldis.feature.filetransfer.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/** A published file open for reading; see {@link FileStore#open}. Thread-safe. */
@ConsumerType
public interface ReadableFile extends AutoCloseable {
    /** The file as it was when it was opened. */
    StoredFile file();

    /**
     * Reads up to {@code bytes.remaining()} bytes at {@code offset}; returns how many, or -1 past the
     * end. {@code bytes} may be a direct buffer (downloads read into the buffer they send from), so
     * an implementation must not count on {@code bytes.array()}.
     */
    int read(ByteBuffer bytes, long offset) throws IOException;

    @Override
    void close() throws IOException;
}
