package io.aldis.feature.filetransfer.internal.upload;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.checkpoints.SealedRecord;
import io.aldis.feature.filetransfer.internal.names.FileNames;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The uploads verified and published lately, kept for the checkpoint retention, so that a client
 * whose UPLOAD_VERIFY was lost with the connection resumes to an upload with nothing missing and
 * hears UPLOAD_VERIFY again, instead of sending the whole file once more (docs/protocol.md 6.5.7).
 *
 * <p>Each is kept as a state of the store beside the checkpoints (key {@value #KEY_PREFIX} and the
 * id), so that this holds across a restart of the node too, and the latest (at most
 * {@value #MAX_KEPT}) in memory. A record is checked as a checkpoint is: one that fails its check
 * is forgotten, never trusted. Thread-safe.
 */
public final class VerifiedUploads {
    private static final System.Logger LOG = System.getLogger("io.aldis.files");
    /** The most uploads remembered in memory; the oldest are forgotten there first. */
    static final int MAX_KEPT = 10_000;
    /** How the states of verified uploads are named; not a UUID, so no checkpoint is taken for one. */
    static final String KEY_PREFIX = "verified-";
    private static final int MAGIC = 0x414C4456; // "ALDV"
    private static final int VERSION = 1;

    /**
     * One verified upload.
     *
     * @param published the file as it was published, to tell whether it changed since
     * @param verifiedAt when it was verified, in epoch milliseconds
     */
    public record Verified(UUID id, String user, StoredFile published, int chunkSize, int chunkCount, byte[] sha256,
            long verifiedAt) {
    }

    private final Supplier<FileStore> store;
    /** The oldest time of verification still remembered: now minus the checkpoint retention. */
    private final LongSupplier rememberedSince;
    private final Map<UUID, Verified> byId = new LinkedHashMap<>();
    /**
     * When each record on storage was verified, so that a sweep reads none of them; null until the
     * first sweep lists them (those of before a restart included).
     */
    private Map<UUID, Long> onStorage;

    VerifiedUploads(Supplier<FileStore> store, LongSupplier rememberedSince) {
        this.store = store;
        this.rememberedSince = rememberedSince;
    }

    /** Remembers a verified upload, also on storage; a failure to store it costs only that. */
    void add(Verified verified) {
        synchronized (this) {
            byId.put(verified.id(), verified);
            if (byId.size() > MAX_KEPT) {
                Iterator<UUID> oldest = byId.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        try {
            store.get().writeState(KEY_PREFIX + verified.id(), encode(verified));
            synchronized (this) {
                if (onStorage != null) {
                    onStorage.put(verified.id(), verified.verifiedAt());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not keep the verified upload " + verified.id()
                    + " for after a restart: " + e.getMessage());
        }
    }

    /** The verified upload {@code id} of {@code user} if it is still remembered, or null. */
    public Verified of(UUID id, String user) {
        Verified v;
        synchronized (this) {
            v = byId.get(id);
        }
        if (v == null) {
            v = stored(id);
        }
        // A record the next sweep would forget is forgotten already, e.g. right after a restart.
        return v != null && v.user().equals(user) && v.verifiedAt() >= rememberedSince.getAsLong() ? v : null;
    }

    private Verified stored(UUID id) {
        String key = KEY_PREFIX + id;
        try {
            byte[] bytes = store.get().readState(key);
            if (bytes == null) {
                return null;
            }
            Verified v = decode(bytes);
            if (v == null || !v.id().equals(id)) {
                LOG.log(System.Logger.Level.WARNING, "The record of verified upload " + id + " fails its check; "
                        + "it is forgotten");
                store.get().deleteState(key);
                return null;
            }
            return v;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Forgets the uploads verified before {@code millis}, on storage too. */
    public void forgetBefore(long millis) {
        Map<UUID, Long> known;
        synchronized (this) {
            byId.values().removeIf(v -> v.verifiedAt() < millis);
            known = onStorage;
        }
        FileStore states = store.get();
        if (known == null) {
            known = listed(states);
            if (known == null) {
                return; // the store cannot list its states now; the next sweep tries again
            }
            synchronized (this) {
                if (onStorage == null) {
                    onStorage = known;
                }
                known = onStorage;
            }
        }
        List<UUID> old;
        synchronized (this) {
            old = known.entrySet().stream().filter(e -> e.getValue() < millis).map(Map.Entry::getKey).toList();
        }
        for (UUID id : old) {
            try {
                states.deleteState(KEY_PREFIX + id);
                synchronized (this) {
                    known.remove(id);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not forget the verified upload " + id + ": "
                        + e.getMessage());
            }
        }
    }

    /**
     * Reads every record on storage once: when each was verified; a damaged one counts as of long
     * ago, so that the sweep deletes it. Null when the store cannot list its states.
     */
    private static Map<UUID, Long> listed(FileStore states) {
        List<String> keys;
        try {
            keys = states.states();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not list the verified uploads: " + e.getMessage());
            return null;
        }
        Map<UUID, Long> found = new HashMap<>();
        for (String key : keys) {
            if (!key.startsWith(KEY_PREFIX)) {
                continue;
            }
            UUID id;
            try {
                id = UUID.fromString(key.substring(KEY_PREFIX.length()));
            } catch (IllegalArgumentException notOurs) {
                continue;
            }
            Verified v;
            try {
                v = decode(states.readState(key));
            } catch (IOException | RuntimeException e) {
                continue; // unreadable now: left for after a restart
            }
            found.put(id, v == null || !v.id().equals(id) ? Long.MIN_VALUE : v.verifiedAt());
        }
        return found;
    }

    static byte[] encode(Verified v) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeLong(v.id().getMostSignificantBits());
            out.writeLong(v.id().getLeastSignificantBits());
            out.writeUTF(v.user());
            out.writeUTF(v.published().name());
            out.writeLong(v.published().size());
            out.writeLong(v.published().modifiedMillis());
            out.writeInt(v.chunkSize());
            out.writeInt(v.chunkCount());
            out.write(v.sha256());
            out.writeLong(v.verifiedAt());
            return SealedRecord.seal(bytes);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * A record read back, or null when it is not one, fails its CRC-32, or holds what the node
     * never writes (a chunk count that does not fit the size, a name the node refuses, text in
     * another form than the one {@link #encode} writes).
     */
    static Verified decode(byte[] bytes) {
        if (!SealedRecord.intact(bytes)) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
            if (in.readInt() != MAGIC || in.readUnsignedByte() != VERSION) {
                return null;
            }
            UUID id = new UUID(in.readLong(), in.readLong());
            String user = in.readUTF();
            StoredFile published = new StoredFile(in.readUTF(), in.readLong(), in.readLong());
            int chunkSize = in.readInt();
            int chunkCount = in.readInt();
            byte[] sha256 = new byte[32];
            in.readFully(sha256);
            long verifiedAt = in.readLong();
            if (in.available() != 0 || user.isEmpty()) {
                return null;
            }
            // A record that seals correctly but could not have been written by the node (damage
            // that kept the CRC, another program) is not trusted either: its layout must be one an
            // upload has, its name one the node accepts, and its text in the one form it writes.
            if (new ChunkLayout(published.size(), chunkSize).chunkCount() != chunkCount) {
                return null;
            }
            FileNames.check(published.name());
            Verified verified = new Verified(id, user, published, chunkSize, chunkCount, sha256, verifiedAt);
            return Arrays.equals(encode(verified), bytes) ? verified : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
