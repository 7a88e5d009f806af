package io.aldis.feature.cluster.internal.links;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How two members prove to each other that they know the cluster's secret before one sends the
 * other messages and calls. The accepting member sends a challenge (a random nonce); the
 * connecting member answers with its own nonce, its member id and an HMAC-SHA-256 over both
 * nonces and the id; the accepting member answers with an HMAC over the nonces the other way
 * round. Neither the secret nor anything a listener could replay crosses. The layouts, each the
 * body of a link frame ({@link LinkFrames}):
 *
 * <pre>
 * CHALLENGE  "ALDL" | version (1 byte) | nonce (32)
 * HELLO      nonce (32) | mac (32) | member id (UTF-8, the rest)
 * WELCOME    mac (32)
 * </pre>
 */
final class LinkHandshake {
    static final int VERSION = 1;
    static final int NONCE = 32;
    static final int MAC = 32;
    private static final byte[] MAGIC = {'A', 'L', 'D', 'L'};
    /** The longest member id accepted: Hazelcast's are UUIDs of 36 characters. */
    private static final int MAX_ID = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    LinkHandshake(byte[] key) {
        this.key = key.clone();
    }

    static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    static byte[] challenge(byte[] nonce) {
        return ByteBuffer.allocate(MAGIC.length + 1 + NONCE).put(MAGIC).put((byte) VERSION).put(nonce).array();
    }

    /** The accepting member's nonce in a challenge; fails on anything else. */
    static byte[] readChallenge(byte[] body) {
        if (body.length != MAGIC.length + 1 + NONCE || !MessageDigest.isEqual(java.util.Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("the other end is not an Aldis cluster link");
        }
        if (body[MAGIC.length] != VERSION) {
            throw new IllegalArgumentException("the other member speaks link version " + body[MAGIC.length]
                    + ", this one " + VERSION);
        }
        return java.util.Arrays.copyOfRange(body, MAGIC.length + 1, body.length);
    }

    byte[] hello(byte[] serverNonce, byte[] clientNonce, String memberId) {
        byte[] id = memberId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(NONCE + MAC + id.length).put(clientNonce)
                .put(mac("hello", serverNonce, clientNonce, id)).put(id).array();
    }

    /**
     * The member id a hello proves, for the challenge {@code serverNonce}; fails when the hello
     * is malformed or its sender does not know the secret.
     */
    Hello readHello(byte[] serverNonce, byte[] body) {
        if (body.length <= NONCE + MAC || body.length > NONCE + MAC + MAX_ID) {
            throw new IllegalArgumentException("malformed hello of " + body.length + " bytes");
        }
        byte[] clientNonce = java.util.Arrays.copyOfRange(body, 0, NONCE);
        byte[] mac = java.util.Arrays.copyOfRange(body, NONCE, NONCE + MAC);
        byte[] id = java.util.Arrays.copyOfRange(body, NONCE + MAC, body.length);
        if (!MessageDigest.isEqual(mac, mac("hello", serverNonce, clientNonce, id))) {
            throw new IllegalArgumentException("it does not know this cluster's secret (or names another cluster)");
        }
        return new Hello(new String(id, StandardCharsets.UTF_8), clientNonce);
    }

    byte[] welcome(byte[] serverNonce, byte[] clientNonce) {
        return mac("welcome", clientNonce, serverNonce, new byte[0]);
    }

    /** Fails unless the accepting member proved it knows the secret. */
    void checkWelcome(byte[] serverNonce, byte[] clientNonce, byte[] body) {
        if (!MessageDigest.isEqual(body, welcome(serverNonce, clientNonce))) {
            throw new IllegalArgumentException("the member does not know this cluster's secret (or names another cluster)");
        }
    }

    private byte[] mac(String purpose, byte[] first, byte[] second, byte[] id) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(purpose.getBytes(StandardCharsets.US_ASCII));
            hmac.update(first);
            hmac.update(second);
            hmac.update(id);
            return hmac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("this JVM has no HMAC-SHA-256", e);
        }
    }

    /** A proven hello: who connected, and the nonce to answer with. */
    record Hello(String memberId, byte[] clientNonce) {
    }
}
