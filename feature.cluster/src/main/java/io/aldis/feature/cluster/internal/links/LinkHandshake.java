package io.aldis.feature.cluster.internal.links;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How two members prove to each other that they know the cluster's secret before one sends the
 * other messages and calls. The accepting member sends a challenge (a random nonce); the
 * connecting member answers with its own nonce, its member id and an HMAC-SHA-256 over both
 * nonces and the id; the accepting member answers with an HMAC over the nonces the other way
 * round and its own member id, so the connecting member knows it reached the member it meant.
 * Neither the secret nor anything a listener could replay crosses. The layouts, each the body of
 * a link frame ({@link LinkFrames}):
 *
 * <pre>
 * CHALLENGE  "ALDL" | version (1 byte) | nonce (32)
 * HELLO      nonce (32) | mac (32) | member id (UTF-8, the rest)
 * WELCOME    mac (32) over "welcome" | client nonce | server nonce | the accepting member's id
 * </pre>
 */
final class LinkHandshake {
    static final int VERSION = 1;
    static final int NONCE = 32;
    static final int MAC = 32;
    private static final byte[] MAGIC = {'A', 'L', 'D', 'L'};
    /** The body of a challenge. */
    static final int CHALLENGE_LENGTH = MAGIC.length + 1 + NONCE;
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
        return ByteBuffer.allocate(CHALLENGE_LENGTH).put(MAGIC).put((byte) VERSION).put(nonce).array();
    }

    /** The accepting member's nonce in a challenge; fails on anything else. */
    static byte[] readChallenge(byte[] body) {
        if (body.length != CHALLENGE_LENGTH || !MessageDigest.isEqual(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("the other end is not an Aldis cluster link");
        }
        if (body[MAGIC.length] != VERSION) {
            throw new IllegalArgumentException("the other member speaks link version " + body[MAGIC.length]
                    + ", this one " + VERSION);
        }
        return Arrays.copyOfRange(body, MAGIC.length + 1, body.length);
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
        byte[] clientNonce = Arrays.copyOfRange(body, 0, NONCE);
        byte[] mac = Arrays.copyOfRange(body, NONCE, NONCE + MAC);
        byte[] id = Arrays.copyOfRange(body, NONCE + MAC, body.length);
        if (!MessageDigest.isEqual(mac, mac("hello", serverNonce, clientNonce, id))) {
            throw new IllegalArgumentException("it does not know this cluster's secret (or names another cluster)");
        }
        return new Hello(new String(id, StandardCharsets.UTF_8), clientNonce);
    }

    /** The welcome of the accepting member {@code memberId}. */
    byte[] welcome(byte[] serverNonce, byte[] clientNonce, String memberId) {
        return mac("welcome", clientNonce, serverNonce, memberId.getBytes(StandardCharsets.UTF_8));
    }

    /** Fails unless the accepting member is {@code memberId} and proved it knows the secret. */
    void checkWelcome(byte[] serverNonce, byte[] clientNonce, String memberId, byte[] body) {
        if (!MessageDigest.isEqual(body, welcome(serverNonce, clientNonce, memberId))) {
            throw new IllegalArgumentException("the other end is not member " + memberId
                    + " of this cluster (another member now listens there, or it does not know the secret)");
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
