package io.aldis.feature.filetransfer.internal.download;

import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.StoredFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SHA-256 of files the node published or hashed, so that a download need not read a file
 * twice. An entry holds only while the file's size and modification time are those it was taken
 * at: a file changed behind the node's back is hashed again. Bounded; the oldest entries go first.
 */
public final class FileHashes {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(long size, long modifiedMillis, byte[] hash) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Records the hash of a file just published. */
    public synchronized void put(String user, StoredFile file, byte[] hash) {
        entries.put(key(user, file.name()), new Entry(file.size(), file.modifiedMillis(), hash.clone()));
    }

    public synchronized void forget(String user, String name) {
        entries.remove(key(user, name));
    }

    /** The hash of the file as {@code open} reads it: from the index when it still holds, else read and hashed. */
    public byte[] of(String user, ReadableFile open) throws IOException {
        StoredFile file = open.file();
        synchronized (this) {
            Entry e = entries.get(key(user, file.name()));
            if (e != null && e.size == file.size() && e.modifiedMillis == file.modifiedMillis()) {
                return e.hash.clone();
            }
        }
        byte[] hash = hash(open);
        put(user, file, hash);
        return hash;
    }

    private static byte[] hash(ReadableFile open) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long at = 0;
        long size = open.file().size();
        while (at < size) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), size - at));
            int read = open.read(buffer, at);
            if (read < 0) {
                throw new IOException("the file ended at " + at + " of " + size + " bytes");
            }
            buffer.flip();
            digest.update(buffer);
            at += read;
        }
        return digest.digest();
    }

    private static String key(String user, String name) {
        return user + '\u0000' + name;
    }
}
