package io.aldis.feature.filetransfer.api;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link FileStore} that hands every call to another store: the base of a store that decorates
 * one (audits, encrypts, counts) and overrides only what it changes. A decorator registered as the
 * {@link FileStore} service replaces the default store, as any other store does.
 */
@ConsumerType
public abstract class ForwardingFileStore implements FileStore {
    private final FileStore delegate;

    /** A store that forwards to {@code delegate}. */
    protected ForwardingFileStore(FileStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected final FileStore delegate() {
        return delegate;
    }

    @Override
    public PartialFile openPartial(String key) throws IOException {
        return delegate.openPartial(key);
    }

    @Override
    public void deletePartial(String key) throws IOException {
        delegate.deletePartial(key);
    }

    @Override
    public StoredFile publish(String key, String user, String name) throws IOException {
        return delegate.publish(key, user, name);
    }

    @Override
    public ReadableFile open(String user, String name) throws IOException {
        return delegate.open(user, name);
    }

    @Override
    public StoredFile stat(String user, String name) throws IOException {
        return delegate.stat(user, name);
    }

    @Override
    public List<StoredFile> list(String user) throws IOException {
        return delegate.list(user);
    }

    @Override
    public List<String> users() throws IOException {
        return delegate.users();
    }

    @Override
    public boolean delete(String user, String name) throws IOException {
        return delegate.delete(user, name);
    }

    @Override
    public long totalSize() throws IOException {
        return delegate.totalSize();
    }

    @Override
    public long usableSpace() throws IOException {
        return delegate.usableSpace();
    }

    @Override
    public void writeState(String key, byte[] state) throws IOException {
        delegate.writeState(key, state);
    }

    @Override
    public byte[] readState(String key) throws IOException {
        return delegate.readState(key);
    }

    @Override
    public List<String> states() throws IOException {
        return delegate.states();
    }

    @Override
    public void deleteState(String key) throws IOException {
        delegate.deleteState(key);
    }
}
