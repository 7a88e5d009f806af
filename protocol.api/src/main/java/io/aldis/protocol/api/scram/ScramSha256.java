package io.aldis.protocol.api.scram;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 functions of RFC 5802 and RFC 7677, using only the JDK.
 *
 * <p>SASLprep (RFC 4013) is not applied: user names and passwords are used as their UTF-8 bytes
 * exactly as given, so clients and the node must agree on the same normalisation (none). In the
 * {@code n=} attribute a user name has {@code =} escaped as {@code =3D} and {@code ,} as
 * {@code =2C}, as RFC 5802 requires.
 */
public final class ScramSha256 {
    /** The mechanism name, as offered in CONNECT_ACK and sent in AUTH_START. */
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** The smallest iteration count RFC 7677 allows. */
    public static final int MIN_ITERATIONS = 4096;
    /**
     * The largest iteration count a client accepts; a hostile server could otherwise make the
     * client burn CPU for minutes.
     */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** Length in bytes of every key and signature (the SHA-256 output size). */
    public static final int KEY_LENGTH = 32;

    private static final String HMAC = "HmacSHA256";
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private ScramSha256() {
    }

    /** {@code Hi(password, salt, iterations)}: PBKDF2 with HMAC-SHA-256 over the UTF-8 password. */
    public static byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_LENGTH * 8);
        try {
            // The JDK's PBKDF2 encodes the password characters as UTF-8, which is what SCRAM wants.
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** HMAC-SHA-256 of {@code data} under {@code key}. */
    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** {@code ClientKey = HMAC(SaltedPassword, "Client Key")}. */
    public static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    /** {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. */
    public static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    /** {@code StoredKey = H(ClientKey)}, derived from the salted password. */
    public static byte[] storedKey(byte[] saltedPassword) {
        return sha256(clientKey(saltedPassword));
    }

    /** Byte-wise exclusive or of two arrays of the same length. */
    public static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** A fresh nonce of printable characters that never contains a comma. */
    public static String nonce(SecureRandom random) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Escapes a user name for the {@code n=} attribute ({@code =} to =3D, {@code ,} to =2C). */
    public static String escapeUser(String user) {
        StringBuilder out = new StringBuilder(user.length() + 8);
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c == '=') {
                out.append("=3D");
            } else if (c == ',') {
                out.append("=2C");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Reverses {@link #escapeUser}; any {@code =} not starting =3D or =2C is an error. */
    public static String unescapeUser(String escaped) throws ScramException {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '=') {
                out.append(c);
            } else if (escaped.startsWith("=3D", i)) {
                out.append('=');
                i += 2;
            } else if (escaped.startsWith("=2C", i)) {
                out.append(',');
                i += 2;
            } else {
                throw new ScramException("invalid escape in user name");
            }
        }
        return out.toString();
    }

    /**
     * Splits a message into its attributes, in order. Each attribute is a single ASCII letter, an
     * {@code =} and a value that contains no comma; names must not repeat.
     */
    public static Map<Character, String> attributes(String message) throws ScramException {
        if (message.isEmpty()) {
            throw new ScramException("empty message");
        }
        Map<Character, String> out = new LinkedHashMap<>();
        int start = 0;
        while (true) {
            int comma = message.indexOf(',', start);
            int end = comma < 0 ? message.length() : comma;
            if (end - start < 2 || message.charAt(start + 1) != '=') {
                throw new ScramException("malformed attribute at offset " + start);
            }
            char name = message.charAt(start);
            if (!((name >= 'a' && name <= 'z') || (name >= 'A' && name <= 'Z'))) {
                throw new ScramException("invalid attribute name at offset " + start);
            }
            if (out.put(name, message.substring(start + 2, end)) != null) {
                throw new ScramException("repeated attribute " + name);
            }
            if (comma < 0) {
                return Collections.unmodifiableMap(out);
            }
            start = comma + 1;
        }
    }

    /** Whether a nonce has only printable ASCII characters other than a comma, and is not empty. */
    public static boolean validNonce(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                return false;
            }
        }
        return true;
    }

    /** Decodes a base64 attribute value, turning a decoding error into a {@link ScramException}. */
    public static byte[] base64(String value, String what) throws ScramException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ScramException("invalid base64 in " + what);
        }
    }

    /** Decodes a message as strict UTF-8, rejecting malformed bytes. */
    public static String utf8(byte[] message) throws ScramException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            throw new ScramException("message is not valid UTF-8");
        }
    }

    /** Verifies a MAC or key in time independent of where the inputs differ. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
