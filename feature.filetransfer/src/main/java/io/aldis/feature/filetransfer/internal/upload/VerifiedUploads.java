package io.aldis.feature.filetransfer.internal.upload;

import io.aldis.feature.filetransfer.api.StoredFile;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The uploads verified and published lately, kept for the checkpoint retention (in memory, at most
 * {@value #MAX_KEPT}), so that a client whose UPLOAD_VERIFY was lost with the connection resumes
 * to an upload with nothing missing and hears UPLOAD_VERIFY again, instead of sending the whole
 * file once more (docs/protocol.md 6.5.7). Thread-safe.
 */
public final class VerifiedUploads {
    /** The most uploads remembered; the oldest are forgotten first. */
    static final int MAX_KEPT = 10_000;

    /**
     * One verified upload.
     *
     * @param published the file as it was published, to tell whether it changed since
     * @param verifiedAt when it was verified, in epoch milliseconds
     */
    public record Verified(UUID id, String user, StoredFile published, int chunkSize, int chunkCount, byte[] sha256,
            long verifiedAt) {
    }

    private final Map<UUID, Verified> byId = new LinkedHashMap<>();

    synchronized void add(Verified verified) {
        byId.put(verified.id(), verified);
        if (byId.size() > MAX_KEPT) {
            Iterator<UUID> oldest = byId.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The verified upload {@code id} of {@code user}, or null. */
    public synchronized Verified of(UUID id, String user) {
        Verified v = byId.get(id);
        return v != null && v.user().equals(user) ? v : null;
    }

    /** Forgets the uploads verified before {@code millis}. */
    public synchronized void forgetBefore(long millis) {
        byId.values().removeIf(v -> v.verifiedAt() < millis);
    }
}
