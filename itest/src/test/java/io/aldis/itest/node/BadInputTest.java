package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.scram.ScramClient;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input over real sockets: each case gets an error frame and/or a close, and after each the
 * node still serves a well-behaved client. Netty leak detection is paranoid throughout.
 */
@ExtendWith(LeakWatch.class)
class BadInputTest {
    private static final String USER = "alice";
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        // Short auth timeout for the silent-socket case; fast throttling so 100 failures stay quick.
        node = NodeFixture.builder()
                .settings(NodeSettings.defaults().withTimeouts(10_000, 1_000).withAuthLimits(2, 40, 3600))
                .user(USER, "user").start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** After every bad client, a good one still gets in. */
    private static void nodeStillServes() throws Exception {
        try (FrameClient good = node.raw()) {
            good.connect();
            assertThat(good.scram(USER, PASSWORD).user()).isEqualTo(USER);
            good.send(new Ping(7));
            assertThat(good.<Pong>await(FrameType.PONG).nonce()).isEqualTo(7);
        }
    }

    @Test
    void randomBytesAreAnsweredByCloseWhileOthersAreServed() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            try (FrameClient bad = node.raw()) {
                byte[] junk = new byte[1 + random.nextInt(2000)];
                random.nextBytes(junk);
                bad.sendBytes(junk);
                bad.send(new Ping(1)); // whatever the junk said, the node must not wait forever
                assertThat(bad.closedByNode()).as("round %d", round).isTrue();
            }
        }
        nodeStillServes();
    }

    @Test
    void lengthOverMaxFrameSizeIsRejectedBeforeTheBody() throws Exception {
        try (FrameClient bad = node.raw()) {
            bad.sendBytes(ByteBuffer.allocate(4).putInt(64 * 1024 * 1024).array());
            ErrorFrame error = bad.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(bad.closedByNode()).isTrue();
        }
        nodeStillServes();
    }

    @Test
    void unknownFrameTypeGetsAnErrorAndTheConnectionGoesOn() throws Exception {
        try (FrameClient conn = node.raw()) {
            conn.connect();
            conn.scram(USER, PASSWORD);
            conn.sendBytes(new byte[] {0, 0, 0, 3, (byte) 0xEE, 0, 1});
            ErrorFrame error = conn.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.UNKNOWN_FRAME_TYPE);
            conn.send(new Ping(9));
            assertThat(conn.<Pong>await(FrameType.PONG).nonce()).isEqualTo(9);
        }
    }

    @Test
    void truncatedFrameIsAProtocolErrorAndCloses() throws Exception {
        try (FrameClient bad = node.raw()) {
            // A PING whose length says 5 bytes: type, flags and only 3 of the 8 nonce bytes.
            bad.sendBytes(new byte[] {0, 0, 0, 5, 0x20, 0, 1, 2, 3});
            ErrorFrame error = bad.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(bad.closedByNode()).isTrue();
        }
        nodeStillServes();
    }

    @Test
    void framesBeforeConnectAreRefused() throws Exception {
        try (FrameClient bad = node.raw()) {
            bad.send(new Message(false, 1, "greeting", new byte[] {1}));
            ErrorFrame error = bad.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.UNEXPECTED_FRAME);
            assertThat(bad.closedByNode()).isTrue();
        }
    }

    @Test
    void framesBeforeAuthenticationAreRefused() throws Exception {
        try (FrameClient bad = node.raw()) {
            bad.connect();
            bad.send(new Message(false, 1, "greeting", new byte[] {1}));
            ErrorFrame error = bad.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.AUTH_REQUIRED);
            assertThat(bad.closedByNode()).isTrue();
        }
        nodeStillServes();
    }

    @Test
    void unsupportedVersionNamesTheSupportedOnes() throws Exception {
        try (FrameClient bad = node.raw()) {
            bad.send(new Connect(0x0900, Capability.RESUME_TOKEN.mask(), UUID.randomUUID(), "", "future-client"));
            ErrorFrame error = bad.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(error.message()).contains("9.0").contains("1.0");
            assertThat(error.details()).isEqualTo("{\"supported\":[\"1.0\"]}");
            assertThat(bad.closedByNode()).isTrue();
        }
    }

    @Test
    void silentSocketIsClosedAtTheAuthTimeout() throws Exception {
        try (FrameClient silent = node.raw()) {
            ErrorFrame error = silent.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.AUTH_TIMEOUT);
            assertThat(silent.closedByNode()).isTrue();
        }
        nodeStillServes();
    }

    @Test
    void scramMessagesReplayedFromAnotherConnectionFail() throws Exception {
        byte[] clientFirst;
        byte[] clientFinal;
        try (FrameClient victim = node.raw()) {
            victim.connect();
            ScramClient scram = new ScramClient(USER, PASSWORD.toCharArray());
            clientFirst = scram.clientFirstMessage();
            victim.send(new AuthStart("SCRAM-SHA-256", clientFirst));
            AuthChallenge challenge = victim.await(FrameType.AUTH_CHALLENGE);
            clientFinal = scram.clientFinalMessage(challenge.data());
            victim.send(new AuthResponse(clientFinal));
            assertThat(victim.read().type()).isEqualTo(FrameType.AUTH_OK);
        }
        try (FrameClient attacker = node.raw()) {
            attacker.connect();
            attacker.send(new AuthStart("SCRAM-SHA-256", clientFirst));
            attacker.await(FrameType.AUTH_CHALLENGE); // a fresh server nonce the old proof cannot match
            attacker.send(new AuthResponse(clientFinal));
            ErrorFrame error = attacker.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(attacker.closedByNode()).isTrue();
        }
    }

    @Test
    void hundredWrongPasswordsAreThrottledButTheUserIsNotLockedOut() throws Exception {
        long throttledBefore = node.node().throttledAttempts();
        ErrorFrame first = null;
        for (int i = 0; i < 100; i++) {
            try (FrameClient attacker = node.raw()) {
                attacker.connect();
                try {
                    attacker.scram(i % 10 == 0 ? "nobody" : USER, "guess-" + i);
                    throw new AssertionError("a wrong password was accepted");
                } catch (FrameClient.AuthRefused refused) {
                    // Unknown user or wrong password: one uniform answer.
                    if (first == null) {
                        first = refused.error;
                    }
                    assertThat(refused.error).isEqualTo(first);
                }
            }
        }
        assertThat(first.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(node.node().throttledAttempts() - throttledBefore).isGreaterThanOrEqualTo(99);
        nodeStillServes();
    }

    @Test
    void unknownMechanismIsRefused() throws Exception {
        try (FrameClient bad = node.raw()) {
            var ack = bad.connect();
            assertThat(ack.mechanisms()).contains("SCRAM-SHA-256").doesNotContain("MAGIC");
            bad.send(new AuthStart("MAGIC", new byte[0]));
            Frame answer = bad.read();
            assertThat(answer).isInstanceOf(ErrorFrame.class);
            assertThat(((ErrorFrame) answer).errorCode()).isEqualTo(ErrorCode.AUTH_MECHANISM_UNSUPPORTED);
            assertThat(bad.closedByNode()).isTrue();
        }
    }
}
