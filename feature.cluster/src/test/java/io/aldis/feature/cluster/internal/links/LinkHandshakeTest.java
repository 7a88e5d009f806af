package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The handshake's frames as docs/cluster.md ("Links between members") lays them out, byte for
 * byte, for cluster {@code demo} with secret {@code choose-one-long-random-text}. The expected
 * bytes were worked out apart from this code, from the document.
 */
class LinkHandshakeTest {
    private static final LinkHandshake DEMO = new LinkHandshake(ClusterSecret.linkKey("demo", "choose-one-long-random-text"));
    private static final byte[] SERVER_NONCE = range(0);
    private static final byte[] CLIENT_NONCE = range(32);
    private static final String CONNECTING = "11111111-2222-3333-4444-555555555555";
    private static final String ACCEPTING = "66666666-7777-8888-9999-000000000000";

    private static byte[] range(int from) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static String frame(byte kind, byte[] body) {
        ByteBuf out = Unpooled.buffer();
        try {
            LinkFrames.write(out, kind, body);
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    @Test
    void theKeyAndTheClusterNameAreTheDigestsTheDocumentNames() {
        assertThat(HexFormat.of().formatHex(ClusterSecret.linkKey("demo", "choose-one-long-random-text")))
                .isEqualTo("20666e4e18dc271a00a6c5cd435010f0267b7f3113490bedb99f6396422fb5a9");
        assertThat(ClusterSecret.hazelcastClusterName("demo", "choose-one-long-random-text"))
                .isEqualTo("demo-ca3a4bb09df59012189aaec859c4ed26d8677c7df6abf162b515e92d2675b272");
    }

    @Test
    void challengeHelloAndWelcomeAreTheGoldenBytes() {
        assertThat(frame(LinkFrames.CHALLENGE, LinkHandshake.challenge(SERVER_NONCE))).isEqualTo("00000026" + "01"
                + "414c444c" + "01" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(frame(LinkFrames.HELLO, DEMO.hello(SERVER_NONCE, CLIENT_NONCE, CONNECTING))).isEqualTo("00000065"
                + "02" + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                + "5911962963e09ef125c7241b88c0ae82ecd2091dc1699bfce0bc1da91c2091cf"
                + "31313131313131312d323232322d333333332d343434342d353535353535353535353535");
        assertThat(frame(LinkFrames.WELCOME, DEMO.welcome(SERVER_NONCE, CLIENT_NONCE, ACCEPTING))).isEqualTo("00000021"
                + "03" + "ecd8fd3d8ebe11715ff82ab2760b25dc936cd3187fd1f5303e0c5e7d79e5b888");
    }

    @Test
    void eachSideChecksWhatTheOtherProved() {
        byte[] hello = DEMO.hello(SERVER_NONCE, CLIENT_NONCE, CONNECTING);
        LinkHandshake.Hello read = DEMO.readHello(SERVER_NONCE, hello);
        assertThat(read.memberId()).isEqualTo(CONNECTING);
        assertThat(read.clientNonce()).isEqualTo(CLIENT_NONCE);
        // Replayed against another challenge, or tampered with, a hello proves nothing.
        assertThatThrownBy(() -> DEMO.readHello(range(1), hello)).hasMessageContaining("secret");
        byte[] renamed = hello.clone();
        renamed[renamed.length - 1] = '6';
        assertThatThrownBy(() -> DEMO.readHello(SERVER_NONCE, renamed)).hasMessageContaining("secret");

        byte[] welcome = DEMO.welcome(SERVER_NONCE, CLIENT_NONCE, ACCEPTING);
        DEMO.checkWelcome(SERVER_NONCE, CLIENT_NONCE, ACCEPTING, welcome);
        assertThatThrownBy(() -> DEMO.checkWelcome(SERVER_NONCE, CLIENT_NONCE, CONNECTING, welcome))
                .hasMessageContaining("not member " + CONNECTING);
        LinkHandshake other = new LinkHandshake(ClusterSecret.linkKey("demo", "another-secret-of-sixteen"));
        assertThatThrownBy(() -> DEMO.checkWelcome(SERVER_NONCE, CLIENT_NONCE, ACCEPTING,
                other.welcome(SERVER_NONCE, CLIENT_NONCE, ACCEPTING))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChallengeOfAnotherVersionOrProgramIsRefused() {
        byte[] challenge = LinkHandshake.challenge(SERVER_NONCE);
        challenge[4] = 2;
        assertThatThrownBy(() -> LinkHandshake.readChallenge(challenge)).hasMessageContaining("link version 2");
        assertThatThrownBy(() -> LinkHandshake.readChallenge(new byte[37])).hasMessageContaining("not an Aldis cluster link");
    }
}
