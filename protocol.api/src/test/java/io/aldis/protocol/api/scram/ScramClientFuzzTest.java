package io.aldis.protocol.api.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the Java client's side of SCRAM-SHA-256 ({@link ScramClient}) with the two messages a node
 * (or whoever answers in its place) sends: the input is the server-first message, a zero byte, and
 * the server-final message. The client's nonce is fixed, that of RFC 7677's example, so the seeds
 * hold it and the fuzzer keeps it. The contract: the client answers with a well-formed final
 * message or refuses in one of its own reasons, on one short line (a node's text must not break
 * the client's error into lines); it accepts the server-final message only when its signature is
 * the one the password gives.
 */
class ScramClientFuzzTest {
    private static final String USER = "user";
    private static final String PASSWORD = "pencil";
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    /**
     * Inputs asking for more iterations are skipped: PBKDF2 at the client's ceiling of ten million
     * takes seconds, and the count's bounds are checked below that anyway.
     */
    private static final long MOST_ITERATIONS_TRIED = 8192;
    /** The beginnings of every reason the client gives; anything else leaked from a library. */
    private static final List<String> REASONS = List.of("server reported error: ",
            "server requires an unsupported extension", "server-first-message lacks r, s or i",
            "server-first-message must start with r, s, i in that order",
            "server nonce does not extend the client nonce", "empty salt", "iteration count is not a number",
            "iteration count ", "server-final-message must start with v= or e=", "server signature does not match",
            "empty message", "malformed attribute at offset ", "invalid attribute name at offset ",
            "repeated attribute ", "invalid base64 in ", "message is not valid UTF-8");
    private static final Pattern CLIENT_FINAL = Pattern.compile("c=biws,r=([\\x21-\\x2b\\x2d-\\x7e]+),p=([A-Za-z0-9+/=]+)");

    @FuzzTest
    void answersOrRefusesInItsOwnWordsAndTrustsOnlyTheRightSignature(byte[] input) {
        int split = indexOf(input, (byte) 0);
        byte[] serverFirst = split < 0 ? input : Arrays.copyOfRange(input, 0, split);
        byte[] serverFinal = split < 0 ? null : Arrays.copyOfRange(input, split + 1, input.length);
        String firstText = new String(serverFirst, StandardCharsets.UTF_8);
        if (tooManyIterations(firstText)) {
            return;
        }

        ScramClient client = new ScramClient(USER, PASSWORD.toCharArray(), CLIENT_NONCE);
        String clientFirstBare = new String(client.clientFirstMessage(), StandardCharsets.UTF_8).substring(3);
        byte[] clientFinal;
        try {
            clientFinal = client.clientFinalMessage(serverFirst);
        } catch (ScramException refused) {
            ownReason(refused);
            return;
        }
        Matcher m = CLIENT_FINAL.matcher(new String(clientFinal, StandardCharsets.UTF_8));
        assertThat(m.matches()).as("client-final-message shape: %s", new String(clientFinal, StandardCharsets.UTF_8))
                .isTrue();
        String nonce = m.group(1);
        assertThat(nonce).startsWith(CLIENT_NONCE).hasSizeGreaterThan(CLIENT_NONCE.length());
        assertThat(Base64.getDecoder().decode(m.group(2))).hasSize(32);
        if (serverFinal == null) {
            return;
        }

        byte[] expected = serverSignature(clientFirstBare, firstText, nonce);
        try {
            client.verifyServerFinal(serverFinal);
        } catch (ScramException refused) {
            ownReason(refused);
            return;
        }
        // Compared as bytes: base64 may spell the same bytes in more than one way (unused bits).
        String finalText = new String(serverFinal, StandardCharsets.UTF_8);
        String signature = attribute(finalText, 'v');
        if (!finalText.startsWith("v=") || !Arrays.equals(Base64.getDecoder().decode(signature), expected)) {
            fail("accepted a server-final message without the password's signature: " + finalText);
        }
    }

    /** The ServerSignature of RFC 5802, worked out here from the password and the messages. */
    private static byte[] serverSignature(String clientFirstBare, String serverFirst, String nonce) {
        String salt = attribute(serverFirst, 's');
        String iterations = attribute(serverFirst, 'i');
        if (salt == null || iterations == null) {
            fail("the client answered a server-first message without s= or i=: " + serverFirst);
        }
        byte[] salted = ScramSha256.saltedPassword(PASSWORD.toCharArray(), Base64.getDecoder().decode(salt),
                Integer.parseInt(iterations));
        byte[] authMessage = (clientFirstBare + "," + serverFirst + ",c=biws,r=" + nonce)
                .getBytes(StandardCharsets.UTF_8);
        return ScramSha256.hmac(ScramSha256.serverKey(salted), authMessage);
    }

    private static boolean tooManyIterations(String serverFirst) {
        String iterations = attribute(serverFirst, 'i');
        if (iterations == null) {
            return false;
        }
        try {
            return Integer.parseInt(iterations) > MOST_ITERATIONS_TRIED;
        } catch (NumberFormatException notAnInt) {
            return false; // the client refuses it without running PBKDF2
        }
    }

    /** The value of the first attribute {@code name} of a message, as the client splits it, or null. */
    private static String attribute(String message, char name) {
        for (String part : message.split(",", -1)) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    private static void ownReason(ScramException refused) {
        String reason = refused.getMessage();
        assertThat(REASONS).as("reason %s", reason).anyMatch(reason::startsWith);
        assertThat(reason.codePoints().noneMatch(Character::isISOControl)).as("one line: %s", reason).isTrue();
        assertThat(reason.length()).as("short: %s", reason).isLessThanOrEqualTo(300);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
