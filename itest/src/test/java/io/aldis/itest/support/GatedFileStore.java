package io.aldis.itest.support;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.ForwardingFileStore;
import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.StoredFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A store whose file data passes a gate: {@link #beforeWrite} runs before each write of an
 * upload's partial file and {@link #beforeRead} before each read of a published file, so that a
 * test can slow them, hold them or fail them as a slow, busy, full or read-only disk would. The
 * gates let everything pass until a subclass says otherwise.
 */
public class GatedFileStore extends ForwardingFileStore {
    /** A store over {@code store} whose gates are open. */
    public GatedFileStore(FileStore store) {
        super(store);
    }

    /** Runs before {@code bytes} bytes are written to the partial file of {@code key}. */
    protected void beforeWrite(String key, int bytes) throws IOException {
    }

    /** Runs before up to {@code bytes} bytes are read from a published file. */
    protected void beforeRead(int bytes) throws IOException {
    }

    @Override
    public PartialFile openPartial(String key) throws IOException {
        PartialFile partial = delegate().openPartial(key);
        return new PartialFile() {
            @Override
            public void write(ByteBuffer bytes, long offset) throws IOException {
                beforeWrite(key, bytes.remaining());
                partial.write(bytes, offset);
            }

            @Override
            public int read(ByteBuffer bytes, long offset) throws IOException {
                return partial.read(bytes, offset);
            }

            @Override
            public void sync() throws IOException {
                partial.sync();
            }

            @Override
            public void close() throws IOException {
                partial.close();
            }
        };
    }

    @Override
    public ReadableFile open(String user, String name) throws IOException {
        ReadableFile file = delegate().open(user, name);
        return new ReadableFile() {
            @Override
            public StoredFile file() {
                return file.file();
            }

            @Override
            public int read(ByteBuffer bytes, long offset) throws IOException {
                beforeRead(bytes.remaining());
                return file.read(bytes, offset);
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }
}
