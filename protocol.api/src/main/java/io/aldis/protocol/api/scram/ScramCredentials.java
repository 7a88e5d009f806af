package io.aldis.protocol.api.scram;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a server stores for one SCRAM-SHA-256 user: enough to verify a client proof and to prove
 * itself to the client, but not the password and nothing a client could replay.
 *
 * <p>Arrays are copied on the way in and on the way out, so an instance is immutable.
 *
 * @param salt       the random salt, at least one byte
 * @param iterations the PBKDF2 iteration count, at least {@link ScramSha256#MIN_ITERATIONS}
 * @param storedKey  {@code H(ClientKey)}, 32 bytes
 * @param serverKey  {@code HMAC(SaltedPassword, "Server Key")}, 32 bytes
 */
public record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    /** Length in bytes of the salt {@link #derive} draws. */
    public static final int SALT_LENGTH = 16;

    /** Validates and copies the components. */
    public ScramCredentials {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(storedKey, "storedKey");
        Objects.requireNonNull(serverKey, "serverKey");
        if (salt.length == 0) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        if (iterations < ScramSha256.MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + ScramSha256.MIN_ITERATIONS);
        }
        if (storedKey.length != ScramSha256.KEY_LENGTH || serverKey.length != ScramSha256.KEY_LENGTH) {
            throw new IllegalArgumentException("keys must be " + ScramSha256.KEY_LENGTH + " bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** Derives credentials for a password with a fresh random salt. */
    public static ScramCredentials derive(char[] password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return derive(password, salt, iterations);
    }

    /** Derives credentials for a password with a given salt. */
    public static ScramCredentials derive(char[] password, byte[] salt, int iterations) {
        byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
        try {
            return new ScramCredentials(salt, iterations, ScramSha256.storedKey(salted), ScramSha256.serverKey(salted));
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredentials that
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(salt), iterations, Arrays.hashCode(storedKey), Arrays.hashCode(serverKey));
    }

    /** Shows only the iteration count: keys do not belong in logs. */
    @Override
    public String toString() {
        return "ScramCredentials[iterations=" + iterations + "]";
    }
}
