package io.aldis.feature.filetransfer.internal.download;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.protocol.api.files.FileSha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The SHA-256 of files the node published or hashed, so that a download need not read a file
 * twice. An entry holds only while the file's size and modification time are those it was taken
 * at: a file changed behind the node's back is hashed again. Entries are also kept as small states
 * of the store, one per file, so that a restarted node does not read every file again; a damaged
 * one is ignored. The memory holds a bounded number; the oldest go first.
 */
public final class FileHashes {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(long size, long modifiedMillis, byte[] hash) {
    }

    private final FileStore store;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** An index that keeps its entries in {@code store} too. */
    public FileHashes(FileStore store) {
        this.store = store;
    }

    /** Records the hash of a file just published or hashed. */
    public void put(String user, StoredFile file, byte[] hash) {
        Entry entry = new Entry(file.size(), file.modifiedMillis(), hash.clone());
        synchronized (this) {
            entries.put(key(user, file.name()), entry);
        }
        try {
            store.writeState(stateKey(user, file.name()), encode(entry));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not keep the hash of a file; it is computed again when needed", e);
        }
    }

    public void forget(String user, String name) {
        synchronized (this) {
            entries.remove(key(user, name));
        }
        try {
            store.deleteState(stateKey(user, name));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not delete the kept hash of a file", e);
        }
    }

    /** The hash of the file as {@code open} reads it: from the index when it still holds, else read and hashed. */
    public byte[] of(String user, ReadableFile open) throws IOException {
        StoredFile file = open.file();
        Entry e;
        synchronized (this) {
            e = entries.get(key(user, file.name()));
        }
        if (e == null) {
            e = decode(store.readState(stateKey(user, file.name())));
        }
        if (e != null && e.size == file.size() && e.modifiedMillis == file.modifiedMillis()) {
            return e.hash.clone();
        }
        byte[] hash = hash(open);
        put(user, file, hash);
        return hash;
    }

    private static byte[] hash(ReadableFile open) throws IOException {
        FileSha256 digest = new FileSha256();
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

    /** The store's key of a file's entry: a digest of user and name, which fits any key syntax. */
    private static String stateKey(String user, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key(user, name).getBytes(StandardCharsets.UTF_8));
            return "hash-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(Entry e) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + 8 + 32 + 4);
        bytes.putLong(e.size).putLong(e.modifiedMillis).put(e.hash);
        CRC32 crc = new CRC32();
        crc.update(bytes.array(), 0, 48);
        bytes.putInt((int) crc.getValue());
        return bytes.array();
    }

    /** The entry kept in a state, or null when there is none or it is damaged. */
    private static Entry decode(byte[] state) {
        if (state == null || state.length != 52) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(state, 0, 48);
        ByteBuffer bytes = ByteBuffer.wrap(state);
        long size = bytes.getLong();
        long modified = bytes.getLong();
        byte[] hash = new byte[32];
        bytes.get(hash);
        return bytes.getInt() == (int) crc.getValue() ? new Entry(size, modified, hash) : null;
    }
}
