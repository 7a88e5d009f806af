package io.aldis.client.internal;

import io.aldis.protocol.api.scram.ScramCredentials;
import io.aldis.protocol.api.scram.ScramException;
import io.aldis.protocol.api.scram.ScramSha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** The node's half of one SCRAM-SHA-256 exchange, built from the shared SCRAM functions. */
final class ScramTestServer {
    private final ScramCredentials credentials;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    ScramTestServer(char[] password) {
        this.credentials = ScramCredentials.derive(password, ScramSha256.MIN_ITERATIONS, new SecureRandom());
    }

    /** The user named in the client-first-message, which must carry the {@code n,,} header. */
    String user;

    byte[] serverFirst(byte[] clientFirst) throws ScramException {
        String message = new String(clientFirst, StandardCharsets.UTF_8);
        if (!message.startsWith("n,,")) {
            throw new ScramException("unexpected GS2 header in " + message);
        }
        clientFirstBare = message.substring(3);
        Map<Character, String> attrs = ScramSha256.attributes(clientFirstBare);
        user = ScramSha256.unescapeUser(attrs.get('n'));
        nonce = attrs.get('r') + "node" + ScramSha256.nonce(new SecureRandom());
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt()) + ",i="
                + credentials.iterations();
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the client's proof and returns the server-final-message. */
    byte[] serverFinal(byte[] clientFinal) throws ScramException {
        String message = new String(clientFinal, StandardCharsets.UTF_8);
        int proofAt = message.lastIndexOf(",p=");
        String withoutProof = message.substring(0, proofAt);
        Map<Character, String> attrs = ScramSha256.attributes(message);
        if (!nonce.equals(attrs.get('r'))) {
            throw new ScramException("nonce changed");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] proof = ScramSha256.base64(attrs.get('p'), "proof");
        byte[] clientKey = ScramSha256.xor(proof, ScramSha256.hmac(credentials.storedKey(), authMessage));
        if (!ScramSha256.constantTimeEquals(ScramSha256.sha256(clientKey), credentials.storedKey())) {
            throw new ScramException("wrong proof");
        }
        byte[] signature = ScramSha256.hmac(credentials.serverKey(), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(signature)).getBytes(StandardCharsets.UTF_8);
    }
}
