package io.aldis.itest.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Files for transfer tests, of any size, made and checked a block at a time. */
public final class TestFiles {
    private static final int BLOCK = 1 << 20;

    private TestFiles() {
    }

    /** Writes {@code size} pseudo-random (incompressible) bytes, the same for the same seed. */
    public static Path random(Path path, long size, long seed) throws IOException {
        byte[] block = new byte[BLOCK];
        Random random = new Random(seed);
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return path;
    }

    /** The SHA-256 of a file's content, in lower-case hex. */
    public static String sha256Hex(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[BLOCK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
