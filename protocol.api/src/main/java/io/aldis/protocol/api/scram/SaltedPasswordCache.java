package io.aldis.protocol.api.scram;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The SaltedPassword a client last derived, kept for its next exchange with the same salt and
 * iteration count (RFC 5802, section 5.1, lets a client cache it): a client that logs in again
 * after a reconnect then skips PBKDF2, which takes milliseconds per thousand iterations. It holds
 * what the password is worth to that server, no more than the password a reconnecting client keeps
 * anyway; keep one per password. Thread-safe.
 */
public final class SaltedPasswordCache {
    private byte[] salt;
    private int iterations;
    private byte[] salted;
    /** Set by {@link #clear()}: from then on nothing is kept, so a login finishing late keeps nothing. */
    private boolean cleared;

    /**
     * A copy of the SaltedPassword for {@code salt} and {@code iterations}: the one kept when both
     * match the last exchange's, otherwise what {@code derive} computes, which is then kept instead.
     */
    public synchronized byte[] saltedPassword(byte[] salt, int iterations, Supplier<byte[]> derive) {
        if (cleared) {
            return derive.get();
        }
        if (salted == null || iterations != this.iterations || !Arrays.equals(salt, this.salt)) {
            byte[] fresh = derive.get();
            forget();
            this.salt = salt.clone();
            this.iterations = iterations;
            this.salted = fresh; // kept as derived: no copy of it is left behind
        }
        return salted.clone();
    }

    /** Forgets (and wipes) what is kept, and keeps nothing from then on: for a client that closes. */
    public synchronized void clear() {
        forget();
        cleared = true;
    }

    private void forget() {
        if (salted != null) {
            Arrays.fill(salted, (byte) 0);
        }
        salt = null;
        salted = null;
        iterations = 0;
    }
}
