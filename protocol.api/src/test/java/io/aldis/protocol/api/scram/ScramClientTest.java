package io.aldis.protocol.api.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramClientTest {
    // RFC 7677, section 3.
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String NONCE = CLIENT_NONCE + "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private static final String SERVER_FIRST = "r=" + NONCE + ",s=" + SALT + ",i=4096";
    private static final String CLIENT_FINAL =
            "c=biws,r=" + NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ScramClient rfcClient() {
        return new ScramClient("user", "pencil".toCharArray(), CLIENT_NONCE);
    }

    @Test
    void rfc7677ExampleByteForByte() throws ScramException {
        ScramClient client = rfcClient();
        assertThat(client.clientFirstMessage()).isEqualTo(utf8("n,,n=user,r=" + CLIENT_NONCE));
        assertThat(new String(client.clientFinalMessage(utf8(SERVER_FIRST)), StandardCharsets.UTF_8))
                .isEqualTo(CLIENT_FINAL);
        client.verifyServerFinal(utf8(SERVER_FINAL));
    }

    @Test
    void aCachedSaltedPasswordGivesTheRfcExchangeAgainWithoutDerivingIt() throws ScramException {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        for (int login = 0; login < 2; login++) {
            ScramClient client = new ScramClient("user", "pencil".toCharArray(), CLIENT_NONCE, cache);
            client.clientFirstMessage();
            assertThat(new String(client.clientFinalMessage(utf8(SERVER_FIRST)), StandardCharsets.UTF_8))
                    .isEqualTo(CLIENT_FINAL);
            client.verifyServerFinal(utf8(SERVER_FINAL));
        }
        byte[] kept = cache.saltedPassword(Base64.getDecoder().decode(SALT), 4096, () -> {
            throw new AssertionError("derived again although salt and iterations are the kept ones");
        });
        assertThat(kept).isEqualTo(ScramSha256.saltedPassword("pencil".toCharArray(), Base64.getDecoder().decode(SALT), 4096));
    }

    @Test
    void theCacheDerivesAgainForAnotherSaltOrCountAndHandsOutCopies() {
        SaltedPasswordCache cache = new SaltedPasswordCache();
        int[] derived = {0};
        java.util.function.Supplier<byte[]> derive = () -> new byte[] {(byte) ++derived[0]};
        byte[] first = cache.saltedPassword(new byte[] {1}, 4096, derive);
        first[0] = 99; // wiping a copy leaves what is kept alone
        assertThat(cache.saltedPassword(new byte[] {1}, 4096, derive)).containsExactly(1);
        assertThat(cache.saltedPassword(new byte[] {2}, 4096, derive)).containsExactly(2);
        assertThat(cache.saltedPassword(new byte[] {2}, 8192, derive)).containsExactly(3);
        cache.clear();
        assertThat(cache.saltedPassword(new byte[] {2}, 8192, derive)).containsExactly(4);
        assertThat(cache.saltedPassword(new byte[] {2}, 8192, derive)).as("nothing kept once cleared").containsExactly(5);
        assertThat(derived[0]).isEqualTo(5);
    }

    @Test
    void storedCredentialsMatchTheRfcExchange() throws ScramException {
        // The server side of the same exchange: verify the RFC proof against derived keys.
        ScramCredentials creds = ScramCredentials.derive("pencil".toCharArray(), Base64.getDecoder().decode(SALT), 4096);
        String authMessage = "n=user,r=" + CLIENT_NONCE + "," + SERVER_FIRST + ",c=biws,r=" + NONCE;
        byte[] proof = ScramSha256.base64("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "p");
        byte[] clientKey = ScramSha256.xor(proof, ScramSha256.hmac(creds.storedKey(), utf8(authMessage)));
        assertThat(ScramSha256.sha256(clientKey)).isEqualTo(creds.storedKey());
        assertThat("v=" + Base64.getEncoder().encodeToString(ScramSha256.hmac(creds.serverKey(), utf8(authMessage))))
                .isEqualTo(SERVER_FINAL);
    }

    @Test
    void wrongServerSignatureIsRejected() throws ScramException {
        ScramClient client = rfcClient();
        client.clientFirstMessage();
        client.clientFinalMessage(utf8(SERVER_FIRST));
        assertThatThrownBy(() -> client.verifyServerFinal(utf8("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void serverErrorInFinalIsRejected() throws ScramException {
        ScramClient client = rfcClient();
        client.clientFirstMessage();
        client.clientFinalMessage(utf8(SERVER_FIRST));
        assertThatThrownBy(() -> client.verifyServerFinal(utf8("e=invalid-proof")))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("invalid-proof");
    }

    @Test
    void aServersErrorTextIsQuotedOnOneShortLine() {
        ScramClient client = rfcClient();
        client.clientFirstMessage();
        String text = "bad\nline\u202e" + "x".repeat(500);
        assertThatThrownBy(() -> client.clientFinalMessage(("e=" + text).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ScramException.class)
                .hasMessageStartingWith("server reported error: bad\\u000aline\\u202e")
                .hasMessageEndingWith("...")
                .hasMessageNotContaining("\n");
    }

    @Test
    void wrongPasswordGivesAnotherProof() throws ScramException {
        ScramClient client = new ScramClient("user", "pencil2".toCharArray(), CLIENT_NONCE);
        client.clientFirstMessage();
        assertThat(new String(client.clientFinalMessage(utf8(SERVER_FIRST)), StandardCharsets.UTF_8))
                .isNotEqualTo(CLIENT_FINAL);
        assertThatThrownBy(() -> client.verifyServerFinal(utf8(SERVER_FINAL))).isInstanceOf(ScramException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "r=" + CLIENT_NONCE + "XYZ,s=" + SALT, // no iteration count
        "s=" + SALT + ",r=" + CLIENT_NONCE + "XYZ,i=4096", // wrong order
        "r=otherNonceXYZ,s=" + SALT + ",i=4096", // does not extend the client nonce
        "r=" + CLIENT_NONCE + ",s=" + SALT + ",i=4096", // nonce not extended at all
        "r=" + CLIENT_NONCE + "XYZ,s=" + SALT + ",i=4095", // too few iterations
        "r=" + CLIENT_NONCE + "XYZ,s=" + SALT + ",i=99999999999", // not an int
        "r=" + CLIENT_NONCE + "XYZ,s=" + SALT + ",i=abc",
        "r=" + CLIENT_NONCE + "XYZ,s=***,i=4096", // bad base64
        "r=" + CLIENT_NONCE + "XYZ,s=,i=4096", // empty salt
        "m=ext,r=" + CLIENT_NONCE + "XYZ,s=" + SALT + ",i=4096", // mandatory extension
        "e=other-error",
        "r=" + CLIENT_NONCE + "XYZ,r=x,s=" + SALT + ",i=4096", // repeated attribute
        "r=" + CLIENT_NONCE + "XYZ,,s=" + SALT + ",i=4096", // empty attribute
        "r=" + CLIENT_NONCE + "XYZ,s=" + SALT + ",i=4096,", // trailing comma
    })
    void malformedServerFirstIsRejected(String serverFirst) {
        ScramClient client = rfcClient();
        client.clientFirstMessage();
        assertThatThrownBy(() -> client.clientFinalMessage(utf8(serverFirst))).isInstanceOf(ScramException.class);
    }

    @Test
    void invalidUtf8IsRejected() {
        ScramClient client = rfcClient();
        client.clientFirstMessage();
        assertThatThrownBy(() -> client.clientFinalMessage(new byte[] {'r', '=', (byte) 0xff}))
                .isInstanceOf(ScramException.class);
    }

    @Test
    void callsOutOfOrderAreRefused() {
        ScramClient client = rfcClient();
        assertThatThrownBy(() -> client.clientFinalMessage(utf8(SERVER_FIRST))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.verifyServerFinal(utf8(SERVER_FINAL))).isInstanceOf(IllegalStateException.class);
        client.clientFirstMessage();
        assertThatThrownBy(client::clientFirstMessage).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void userNamesAreEscaped() throws ScramException {
        ScramClient client = new ScramClient("a=b,c", "x".toCharArray(), "abc");
        assertThat(new String(client.clientFirstMessage(), StandardCharsets.UTF_8)).isEqualTo("n,,n=a=3Db=2Cc,r=abc");
        assertThat(ScramSha256.unescapeUser("a=3Db=2Cc")).isEqualTo("a=b,c");
        assertThatThrownBy(() -> ScramSha256.unescapeUser("a=b")).isInstanceOf(ScramException.class);
        assertThatThrownBy(() -> ScramSha256.unescapeUser("a=")).isInstanceOf(ScramException.class);
    }

    @Test
    void randomNoncesAreValidAndDistinct() {
        SecureRandom random = new SecureRandom();
        String a = ScramSha256.nonce(random);
        String b = ScramSha256.nonce(random);
        assertThat(ScramSha256.validNonce(a)).isTrue();
        assertThat(a).isNotEqualTo(b);
        assertThat(ScramSha256.validNonce("a,b")).isFalse();
        assertThat(ScramSha256.validNonce("a b")).isFalse();
        assertThat(ScramSha256.validNonce("")).isFalse();
    }

    @Test
    void credentialsAreCopiedAndHideKeys() {
        ScramCredentials creds = ScramCredentials.derive("pw".toCharArray(), 4096, new SecureRandom());
        byte[] salt = creds.salt();
        salt[0] ^= 1;
        assertThat(creds.salt()).isNotEqualTo(salt);
        assertThat(creds.toString()).doesNotContain(Base64.getEncoder().encodeToString(creds.storedKey()));
        assertThat(creds).isEqualTo(new ScramCredentials(creds.salt(), 4096, creds.storedKey(), creds.serverKey()));
        assertThatThrownBy(() -> new ScramCredentials(creds.salt(), 4095, creds.storedKey(), creds.serverKey()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScramCredentials(creds.salt(), 4096, new byte[3], creds.serverKey()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
