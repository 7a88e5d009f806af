package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.node.core.internal.ThrottleCounts;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.scram.ScramClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The authentication throttle seen from outside, against a real node. The node's clock stands
 * still, so the throttle sees every attempt of a test arrive at the same instant however slow the
 * machine is: which attempts are judged and which are refused is then fixed, and the tests assert
 * on outcomes and counts, never on how long anything took.
 */
@ExtendWith(LeakWatch.class)
class AuthThrottlingTest {
    private static final String USER = "alice";
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String WRONG = "not-the-password";

    private NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** Failures 200 ms apart at first, doubling to a 1 s cap. */
    private void startNode() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withAuthLimits(200, 1_000, 3600))
                .clock(FROZEN).user(USER, "user").start();
    }

    /** A SCRAM attempt up to the point where the next message makes the node judge it. */
    private final class Attempt implements AutoCloseable {
        final FrameClient raw;
        final byte[] finalMessage;

        Attempt(String from, String user, String password) throws Exception {
            raw = node.rawFrom(from);
            raw.connect();
            ScramClient scram = new ScramClient(user, password.toCharArray());
            raw.send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
            AuthChallenge challenge = raw.await(FrameType.AUTH_CHALLENGE);
            finalMessage = scram.clientFinalMessage(challenge.data());
        }

        void sendFinal() throws Exception {
            raw.send(new AuthResponse(finalMessage));
        }

        /** The node's answer to the final message: AUTH_OK or an ERROR. */
        Frame answer() throws Exception {
            return raw.read();
        }

        Frame finish() throws Exception {
            sendFinal();
            return answer();
        }

        @Override
        public void close() throws Exception {
            raw.close();
        }
    }

    private Frame attempt(String from, String user, String password) throws Exception {
        try (Attempt attempt = new Attempt(from, user, password)) {
            return attempt.finish();
        }
    }

    private static void assertAuthFailed(Frame answer) {
        assertThat(answer).isInstanceOf(ErrorFrame.class);
        assertThat(((ErrorFrame) answer).errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
    }

    private ThrottleCounts since(ThrottleCounts before) {
        ThrottleCounts now = node.node().throttleCounts();
        return new ThrottleCounts(now.judged() - before.judged(), now.throttled() - before.throttled(),
                now.refused() - before.refused());
    }

    @Test
    void parallelAttemptsFromOneAddressAllGetTheUniformFailureAndFewAreJudged() throws Exception {
        startNode();
        assertAuthFailed(attempt("127.0.0.1", USER, WRONG)); // the address is throttled now
        ThrottleCounts before = node.node().throttleCounts();
        List<Attempt> attempts = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                attempts.add(new Attempt("127.0.0.1", USER, WRONG + i));
            }
            for (Attempt attempt : attempts) {
                attempt.sendFinal(); // all ten in flight before any answer is read
            }
            for (Attempt attempt : attempts) {
                assertAuthFailed(attempt.answer());
                assertThat(attempt.raw.closedByNode()).isTrue();
            }
        } finally {
            for (Attempt attempt : attempts) {
                attempt.close();
            }
        }
        // Turns at 200 and 600 ms; the next would be at 1 400 ms, beyond the 1 s cap, so the other
        // eight are refused unjudged.
        assertThat(since(before)).isEqualTo(new ThrottleCounts(2, 10, 8));
    }

    @Test
    void twoParallelAttemptsGetAuthFailedNotAuthTimeoutEvenWhenTheirTurnsComeAfterTheAuthTimeout()
            throws Exception {
        // The throttle holds verdicts for up to a second; the auth timeout is half of that.
        node = NodeFixture.builder()
                .settings(NodeSettings.defaults().withTimeouts(10_000, 500).withAuthLimits(1_000, 1_000, 3600))
                .clock(FROZEN).user(USER, "user").start();
        try (Attempt a = new Attempt("127.0.0.1", USER, WRONG);
                Attempt b = new Attempt("127.0.0.1", USER, WRONG + "2")) {
            a.sendFinal();
            b.sendFinal();
            assertAuthFailed(a.answer());
            assertAuthFailed(b.answer());
        }
    }

    @Test
    void theRightPasswordHeldByTheThrottleIsAcceptedAfterTheAuthTimeoutWouldHaveFired() throws Exception {
        node = NodeFixture.builder()
                .settings(NodeSettings.defaults().withTimeouts(10_000, 500).withAuthLimits(1_000, 1_000, 3600))
                .clock(FROZEN).user(USER, "user").start();
        assertAuthFailed(attempt("127.0.0.1", USER, WRONG)); // a typo: the next turn is 1 s away
        Frame answer = attempt("127.0.0.1", USER, PASSWORD);
        assertThat(answer).isInstanceOf(AuthOk.class);
    }

    @Test
    void abandonedAttemptsUseUpTheirTurns() throws Exception {
        startNode();
        assertAuthFailed(attempt("127.0.0.1", USER, WRONG));
        ThrottleCounts before = node.node().throttleCounts();
        for (int i = 0; i < 5; i++) {
            try (Attempt attempt = new Attempt("127.0.0.1", USER, WRONG + i)) {
                attempt.sendFinal(); // and go away without waiting for the verdict
            }
        }
        // The node judges an attempt when it reads its final message, whether or not the client
        // is still there; wait until it has read all five.
        for (int polls = 0; since(before).judged() + since(before).refused() < 5; polls++) {
            assertThat(polls).as("the node never judged the abandoned attempts").isLessThan(1_000);
            Thread.sleep(10);
        }
        // Even the right password now comes too early: the abandoned attempts took the turns.
        assertAuthFailed(attempt("127.0.0.1", USER, PASSWORD));
        assertThat(since(before)).isEqualTo(new ThrottleCounts(2, 6, 4));
    }

    @Test
    void aSecondMessageWhileTheVerdictIsHeldIsAnsweredTheSameWhetherThePasswordWasRightOrWrong()
            throws Exception {
        startNode();
        assertAuthFailed(attempt("127.0.0.2", USER, WRONG));
        List<ErrorCode> answers = new ArrayList<>();
        for (String password : List.of(PASSWORD, WRONG)) {
            try (Attempt attempt = new Attempt("127.0.0.2", USER, password)) {
                attempt.sendFinal();
                attempt.raw.send(new AuthResponse(new byte[] {1})); // pipelined before the verdict
                answers.add(((ErrorFrame) attempt.raw.await(FrameType.ERROR)).errorCode());
                assertThat(attempt.raw.closedByNode()).isTrue();
            }
        }
        assertThat(answers).containsExactly(ErrorCode.UNEXPECTED_FRAME, ErrorCode.UNEXPECTED_FRAME);
    }

    @Test
    void rotatingAddressesAreThrottledPerUserWhileTheRealUserGetsInFromItsOwnAddress() throws Exception {
        startNode();
        assertThat(attempt("127.0.0.1", USER, PASSWORD)).isInstanceOf(AuthOk.class);
        ThrottleCounts before = node.node().throttleCounts();
        for (int i = 0; i < 40; i++) {
            assertAuthFailed(attempt("127.0.1." + (i + 1), USER, WRONG + i));
        }
        // Judged at once, after 200 ms and after 600 ms; the next turn is beyond the cap.
        assertThat(since(before)).isEqualTo(new ThrottleCounts(3, 39, 37));
        // The real user, from the address it logged in from before, is judged at once.
        assertThat(attempt("127.0.0.1", USER, PASSWORD)).isInstanceOf(AuthOk.class);
        // From a fresh address it cannot be told from the attacker: it queues, and is refused with
        // the uniform failure (never a timeout) while the attack keeps the user's turns taken.
        assertAuthFailed(attempt("127.0.2.1", USER, PASSWORD));
    }

    @Test
    void parallelAttacksFromManyAddressesLeaveTheRealUserAndOtherUsersUntouched() throws Exception {
        startNode();
        assertThat(attempt("127.0.0.1", USER, PASSWORD)).isInstanceOf(AuthOk.class);
        node.store().add("bob", "builder-7".toCharArray(), java.util.Set.of("user"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Frame>> guesses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String from = "127.0.3." + (i + 1);
                String guess = WRONG + i;
                guesses.add(() -> attempt(from, USER, guess));
            }
            List<Future<Frame>> answers = pool.invokeAll(guesses);
            assertThat(attempt("127.0.0.1", USER, PASSWORD)).isInstanceOf(AuthOk.class);
            assertThat(attempt("127.0.4.1", "bob", "builder-7")).isInstanceOf(AuthOk.class);
            for (Future<Frame> answer : answers) {
                assertAuthFailed(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        // Alice twice and bob once, and of the 40 guesses only the three turns within the cap.
        assertThat(node.node().throttleCounts().judged()).isEqualTo(3 + 3);
    }
}
