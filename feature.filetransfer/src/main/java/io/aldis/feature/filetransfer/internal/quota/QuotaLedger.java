package io.aldis.feature.filetransfer.internal.quota;

import io.aldis.protocol.api.ErrorCode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The space uploads may still take: each user's quota, the node's global quota and the disk's free
 * space, with the whole size of every accepted upload reserved until it is published or
 * discarded. One lock over all of it, so that parallel uploads can never together pass a limit
 * (docs/protocol.md 6.5.3).
 *
 * <p>What users have published is read from storage once (per user, and in all) and then kept up
 * to date by the feature's own publishes and removals. {@link #forgetUse} makes the ledger read
 * storage again at the next check: a node that shares its storage root with other nodes of a
 * cluster calls it before each upload's check, so that what the others published counts. Files
 * changed behind the node's back otherwise are seen again after the feature restarts. What the
 * ledger never sees are the reservations of uploads running on other nodes.
 */
public final class QuotaLedger {
    /** Where the ledger reads what is stored. */
    public interface Usage {
        long usedBy(String user) throws IOException;

        long usedInAll() throws IOException;

        long usableSpace() throws IOException;
    }

    /** What {@link #reserve} gives: a {@link Reservation} or a {@link Refusal}. */
    public sealed interface Outcome permits Reservation, Refusal {
    }

    /** An upload's claim on space; released once, by publishing or discarding. */
    public static final class Reservation implements Outcome {
        private final String user;
        private final long bytes;
        private boolean open = true;

        private Reservation(String user, long bytes) {
            this.user = user;
            this.bytes = bytes;
        }

        public String user() {
            return user;
        }

        public long bytes() {
            return bytes;
        }
    }

    /**
     * Space refused: the code ({@code QUOTA_EXCEEDED} or {@code STORAGE_FULL}) and what was left.
     *
     * @param code      why
     * @param available bytes that could still be taken
     * @param requested bytes asked for
     */
    public record Refusal(ErrorCode code, long available, long requested) implements Outcome {
        /** The {@code details} of the UPLOAD_REJECT. */
        public String details() {
            return "{\"available\":" + available + ",\"requested\":" + requested + "}";
        }
    }

    private final Usage usage;
    private final Map<String, Long> usedByUser = new HashMap<>();
    private final Map<String, Long> reservedByUser = new HashMap<>();
    private long usedInAll = -1;
    private long reservedInAll;
    private long userQuota;
    private long globalQuota;

    /** A ledger with per-user and global quotas in bytes, 0 meaning none. */
    public QuotaLedger(Usage usage, long userQuota, long globalQuota) {
        this.usage = usage;
        this.userQuota = userQuota;
        this.globalQuota = globalQuota;
    }

    /** Changes the quotas; reservations already made stand. */
    public synchronized void quotas(long perUser, long global) {
        this.userQuota = perUser;
        this.globalQuota = global;
    }

    /**
     * Reserves {@code bytes} for an upload of {@code user}.
     *
     * @return the reservation, or the refusal (the reservation is then not made)
     */
    public synchronized Outcome reserve(String user, long bytes) throws IOException {
        long used = usedBy(user);
        long reserved = reservedByUser.getOrDefault(user, 0L);
        if (userQuota > 0 && used + reserved + bytes > userQuota) {
            return new Refusal(ErrorCode.QUOTA_EXCEEDED, Math.max(0, userQuota - used - reserved), bytes);
        }
        if (globalQuota > 0 && usedInAll() + reservedInAll + bytes > globalQuota) {
            return new Refusal(ErrorCode.STORAGE_FULL, Math.max(0, globalQuota - usedInAll() - reservedInAll), bytes);
        }
        long free = usage.usableSpace() - reservedInAll;
        if (bytes > free) {
            return new Refusal(ErrorCode.STORAGE_FULL, Math.max(0, free), bytes);
        }
        reservedByUser.merge(user, bytes, Long::sum);
        reservedInAll += bytes;
        return new Reservation(user, bytes);
    }

    /**
     * Reserves {@code bytes} whatever the limits: for an upload that was accepted before the node
     * restarted and is resumed now, whose space was granted then.
     */
    public synchronized Reservation claim(String user, long bytes) {
        reservedByUser.merge(user, bytes, Long::sum);
        reservedInAll += bytes;
        return new Reservation(user, bytes);
    }

    /** Gives an upload's space back: it failed or was discarded. */
    public synchronized void release(Reservation reservation) {
        if (reservation == null || !reservation.open) {
            return;
        }
        reservation.open = false;
        reservedByUser.merge(reservation.user, -reservation.bytes, Long::sum);
        reservedInAll -= reservation.bytes;
    }

    /**
     * The upload was published, replacing a file of {@code replacedBytes} (0 for none). A use not
     * read yet is left to be read from storage, which holds the file already.
     */
    public synchronized void published(Reservation reservation, long replacedBytes) throws IOException {
        release(reservation);
        long delta = reservation.bytes - replacedBytes;
        usedByUser.computeIfPresent(reservation.user, (user, used) -> used + delta);
        if (usedInAll >= 0) {
            usedInAll += delta;
        }
    }

    /** A file of {@code bytes} was removed from {@code user}'s area. */
    public synchronized void removed(String user, long bytes) throws IOException {
        usedByUser.computeIfPresent(user, (u, used) -> Math.max(0, used - bytes));
        if (usedInAll >= 0) {
            usedInAll = Math.max(0, usedInAll - bytes);
        }
    }

    /**
     * Forgets what users have published, so that the next check reads it from storage again: for
     * a storage root that other nodes publish to as well.
     */
    public synchronized void forgetUse() {
        usedByUser.clear();
        usedInAll = -1;
    }

    /** What {@code user} has published, reserved, and may use in all (0 = no quota). */
    public synchronized long[] show(String user) throws IOException {
        return new long[] {usedBy(user), reservedByUser.getOrDefault(user, 0L), userQuota};
    }

    private long usedBy(String user) throws IOException {
        Long used = usedByUser.get(user);
        if (used == null) {
            used = usage.usedBy(user);
            usedByUser.put(user, used);
        }
        return used;
    }

    private long usedInAll() throws IOException {
        if (usedInAll < 0) {
            usedInAll = usage.usedInAll();
        }
        return usedInAll;
    }
}
