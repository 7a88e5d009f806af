package io.aldis.protocol.api.files;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a whole file that a transfer is verified by (docs/protocol.md 5.7), fed with the
 * file's chunks in order. Both sides compute it: the sender over what it reads, the receiver over
 * what it stores.
 *
 * <p>Chunks are fed to the digest in slices of {@value #SLICE} bytes, whatever their size. The JDK
 * hashes many blocks per call at full speed only once the JIT has compiled its digest's update,
 * which takes some thousands of calls; fed one chunk of about 1 MiB per call, a new JVM spends its
 * first few GiB on a slower path, one block per call (on this project's bench machine about 12 %
 * more CPU per GiB). Sliced, the fast path is there after the first hundred MiB or so. That
 * matters to every client, the command-line tool above all, which starts a JVM per transfer.
 *
 * <p>Not thread-safe: one transfer feeds it, in order.
 */
public final class FileSha256 {
    /** The most bytes given to the digest in one call. */
    public static final int SLICE = 64 * 1024;

    private final MessageDigest digest;

    /** A digest of nothing yet. */
    public FileSha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Feeds all of {@code bytes}. */
    public void update(byte[] bytes) {
        update(bytes, 0, bytes.length);
    }

    /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
    public void update(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int at = offset; at < end; at += SLICE) {
            digest.update(bytes, at, Math.min(SLICE, end - at));
        }
    }

    /**
     * Feeds the bytes between the buffer's position and its limit, and moves its position to the
     * limit. A direct buffer goes to the digest whole: the JDK feeds those through a small array of
     * its own.
     */
    public void update(ByteBuffer buffer) {
        if (!buffer.hasArray()) {
            digest.update(buffer);
            return;
        }
        update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        buffer.position(buffer.limit());
    }

    /** The hash of everything fed, 32 bytes; the digest then starts again from nothing. */
    public byte[] digest() {
        return digest.digest();
    }
}
