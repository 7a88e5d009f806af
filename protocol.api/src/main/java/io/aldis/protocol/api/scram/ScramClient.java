package io.aldis.protocol.api.scram;

import io.aldis.protocol.api.QuotedText;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding:
 * call {@link #clientFirstMessage()}, then {@link #clientFinalMessage(byte[])} with the server's
 * challenge, then {@link #verifyServerFinal(byte[])} with the server's final message. An instance
 * serves one exchange only and is not thread-safe.
 */
public final class ScramClient {
    /** The GS2 header for "no channel binding, none supported by the client". */
    private static final String GS2_HEADER = "n,,";
    private static final String CHANNEL_BINDING =
            Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII));

    private enum State { INITIAL, FIRST_SENT, FINAL_SENT, DONE }

    /** Code points of a server's error text kept in the client's message, which a user reads. */
    private static final int ERROR_QUOTED = 40;

    private final String user;
    private final char[] password;
    private final String clientNonce;
    /** Where the SaltedPassword of an earlier exchange may be kept, or null. */
    private final SaltedPasswordCache cache;
    private State state = State.INITIAL;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** Starts an exchange for a user, with a fresh random client nonce. */
    public ScramClient(String user, char[] password) {
        this(user, password, ScramSha256.nonce(new SecureRandom()), null);
    }

    /**
     * Starts an exchange for a user, with a fresh random client nonce, that takes the
     * SaltedPassword from {@code cache} when the server's salt and iteration count are those of the
     * last exchange kept there, and keeps it there otherwise.
     *
     * @param cache one per password, or null for none
     * @since 1.1
     */
    public static ScramClient withCache(String user, char[] password, SaltedPasswordCache cache) {
        return new ScramClient(user, password, ScramSha256.nonce(new SecureRandom()), cache);
    }

    /**
     * Starts an exchange with a fixed client nonce; meant for tests that replay known vectors.
     *
     * @throws IllegalArgumentException if the nonce has a comma or a non-printable character
     */
    public ScramClient(String user, char[] password, String clientNonce) {
        this(user, password, clientNonce, null);
    }

    ScramClient(String user, char[] password, String clientNonce, SaltedPasswordCache cache) {
        this.cache = cache;
        this.user = Objects.requireNonNull(user, "user");
        // Copied so the caller may wipe its array; ours is wiped once the proof is computed.
        this.password = Objects.requireNonNull(password, "password").clone();
        this.clientNonce = Objects.requireNonNull(clientNonce, "clientNonce");
        if (!ScramSha256.validNonce(clientNonce)) {
            throw new IllegalArgumentException("nonce must be printable ASCII without commas");
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
    }

    /** The client-first-message, {@code n,,n=<user>,r=<nonce>}, as UTF-8. */
    public byte[] clientFirstMessage() {
        if (state != State.INITIAL) {
            throw new IllegalStateException("client-first-message already produced");
        }
        clientFirstBare = "n=" + ScramSha256.escapeUser(user) + ",r=" + clientNonce;
        state = State.FIRST_SENT;
        return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Answers the server-first-message with the client-final-message carrying the proof.
     *
     * @throws ScramException if the server's message is malformed, reports an error, does not
     *                        extend the client nonce, or asks for too few or too many iterations
     */
    public byte[] clientFinalMessage(byte[] serverFirstMessage) throws ScramException {
        if (state != State.FIRST_SENT) {
            throw new IllegalStateException("clientFirstMessage() must be called first, and once");
        }
        state = State.DONE;
        String serverFirst = ScramSha256.utf8(serverFirstMessage);
        Map<Character, String> attrs = ScramSha256.attributes(serverFirst);
        if (attrs.containsKey('e')) {
            throw new ScramException("server reported error: " + QuotedText.of(attrs.get('e'), ERROR_QUOTED));
        }
        if (attrs.containsKey('m')) {
            throw new ScramException("server requires an unsupported extension");
        }
        String[] keys = {"r", "s", "i"};
        Character[] order = attrs.keySet().toArray(new Character[0]);
        if (order.length < 3) {
            throw new ScramException("server-first-message lacks r, s or i");
        }
        for (int k = 0; k < 3; k++) {
            if (order[k] != keys[k].charAt(0)) {
                throw new ScramException("server-first-message must start with r, s, i in that order");
            }
        }
        String nonce = attrs.get('r');
        if (!ScramSha256.validNonce(nonce)
                || !nonce.startsWith(clientNonce)
                || nonce.length() == clientNonce.length()) {
            throw new ScramException("server nonce does not extend the client nonce");
        }
        byte[] salt = ScramSha256.base64(attrs.get('s'), "salt");
        if (salt.length == 0) {
            throw new ScramException("empty salt");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(attrs.get('i'));
        } catch (NumberFormatException e) {
            throw new ScramException("iteration count is not a number");
        }
        if (iterations < ScramSha256.MIN_ITERATIONS) {
            throw new ScramException("iteration count " + iterations + " is below " + ScramSha256.MIN_ITERATIONS);
        }
        if (iterations > ScramSha256.MAX_ITERATIONS) {
            throw new ScramException("iteration count " + iterations + " is above " + ScramSha256.MAX_ITERATIONS);
        }

        String withoutProof = "c=" + CHANNEL_BINDING + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        int rounds = iterations;
        byte[] salted = cache == null ? ScramSha256.saltedPassword(password, salt, rounds)
                : cache.saltedPassword(salt, rounds, () -> ScramSha256.saltedPassword(password, salt, rounds));
        Arrays.fill(password, '\0');
        byte[] clientKey = ScramSha256.clientKey(salted);
        byte[] storedKey = ScramSha256.sha256(clientKey);
        byte[] proof = ScramSha256.xor(clientKey, ScramSha256.hmac(storedKey, authMessage));
        expectedServerSignature = ScramSha256.hmac(ScramSha256.serverKey(salted), authMessage);
        Arrays.fill(salted, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        state = State.FINAL_SENT;
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the server-final-message: the server proves it knew the user's ServerKey.
     *
     * @throws ScramException if the server reports an error, the message is malformed, or the
     *                        signature does not match
     */
    public void verifyServerFinal(byte[] serverFinalMessage) throws ScramException {
        if (state != State.FINAL_SENT) {
            throw new IllegalStateException("clientFinalMessage(..) must succeed first");
        }
        state = State.DONE;
        Map<Character, String> attrs = ScramSha256.attributes(ScramSha256.utf8(serverFinalMessage));
        String first = attrs.keySet().iterator().next().toString();
        if (first.equals("e")) {
            throw new ScramException("server reported error: " + QuotedText.of(attrs.get('e'), ERROR_QUOTED));
        }
        if (!first.equals("v")) {
            throw new ScramException("server-final-message must start with v= or e=");
        }
        byte[] signature = ScramSha256.base64(attrs.get('v'), "server signature");
        if (!ScramSha256.constantTimeEquals(signature, expectedServerSignature)) {
            throw new ScramException("server signature does not match");
        }
    }
}
