package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisException;
import io.aldis.client.DisconnectReason;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection handler against a node played by the test on an EmbeddedChannel. */
class ClientHandlerTest {
    private static final UUID CLIENT_ID = UUID.fromString("6b1f6f3e-2a35-4c43-9a8e-0f6d9b2a1c01");
    private static final UUID SESSION_ID = UUID.fromString("0d9e7c55-77c8-4f0b-8a8c-3b0d6f5e2a10");
    private static final long CAPS = Capability.maskOf(EnumSet.of(Capability.RESUME_TOKEN, Capability.FLOW_CONTROL));
    private static final int HEARTBEAT = 5_000;
    /**
     * The latest a quiet connection's PING may go out: a heartbeat check waits for the next point
     * of its loop's grid, at most a 32nd of the interval (docs/protocol.md 4.6).
     */
    private static final int HEARTBEAT_LATEST = HEARTBEAT + HEARTBEAT / 32 + 1;

    private final Recorder events = new Recorder();
    private final StatsCounters stats = new StatsCounters();
    private final RequestTracker requests = new RequestTracker();
    private ClientHandler handler;
    private EmbeddedChannel channel;

    @AfterEach
    void nothingLeftOver() {
        if (channel != null) {
            channel.checkException();
            assertThat(channel.finishAndReleaseAll()).as("frames left over").isFalse();
        }
    }

    private static HandshakeParams params(String token, String mechanism, int maxQueued) {
        return new HandshakeParams(CLIENT_ID, CAPS, "test-app/1.0", token, token == null ? null : "alice", "alice",
                "pencil".toCharArray(), mechanism, maxQueued, Duration.ofSeconds(10), null);
    }

    private void open(HandshakeParams params) {
        handler = new ClientHandler(params, events, stats, requests);
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(handler);
    }

    private static ConnectAck ack(boolean authenticated, List<String> mechanisms) {
        return new ConnectAck(authenticated ? ConnectAck.FLAG_AUTHENTICATED : 0, ProtocolVersion.V1,
                Capability.maskOf(EnumSet.of(Capability.MESSAGES, Capability.RESUME_TOKEN)), SESSION_ID, 1 << 20,
                HEARTBEAT, 1L << 30, 256 * 1024, mechanisms, "node-1");
    }

    private <T extends Frame> T next(Class<T> type) {
        Object written = channel.readOutbound();
        assertThat(written).as("next frame written by the client").isInstanceOf(type);
        return type.cast(written);
    }

    private void noMoreOutbound() {
        assertThat((Object) channel.readOutbound()).as("unexpected frame written").isNull();
    }

    /** Drives a full SCRAM handshake and leaves the session open. */
    private SessionInfo openWithScram() throws Exception {
        open(params(null, "SCRAM-SHA-256", 3));
        next(Connect.class);
        ScramTestServer node = new ScramTestServer("pencil".toCharArray());
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256", "PLAIN")));
        AuthStart start = next(AuthStart.class);
        channel.writeInbound(new AuthChallenge(node.serverFirst(start.data())));
        AuthResponse response = next(AuthResponse.class);
        channel.writeInbound(new AuthOk("alice", "token-1", 123L, node.serverFinal(response.data())));
        assertThat(handler.opened()).isCompleted();
        return handler.opened().join();
    }

    @Test
    void closingAConnectionThatNeverOpenedEndsTheHandler() throws Exception {
        // A socket still connecting (or whose connect failed) is never active, so it never fires
        // channelInactive; the client's close() waits for this handler to end all the same.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ClientHandler connecting = new ClientHandler(params(null, "SCRAM-SHA-256", 10), events, stats, requests);
            Channel socket = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(connecting)
                    .register().sync().channel();
            assertThat(socket.isActive()).isFalse();
            connecting.close(10_000).get(10, TimeUnit.SECONDS);
            assertThat(socket.isOpen()).isFalse();
            assertThat(events.closed).as("no session was lost: none had opened").isEmpty();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void connectCarriesVersionCapabilitiesClientIdAndName() {
        open(params(null, "SCRAM-SHA-256", 10));
        Connect connect = next(Connect.class);
        assertThat(connect.version()).isEqualTo(ProtocolVersion.V1);
        assertThat(connect.capabilities()).isEqualTo(CAPS);
        assertThat(connect.clientId()).isEqualTo(CLIENT_ID);
        assertThat(connect.resumeToken()).isEmpty();
        assertThat(connect.clientName()).isEqualTo("test-app/1.0");
        noMoreOutbound();
        assertThat(handler.opened()).isNotDone();
    }

    @Test
    void scramExchangeOpensTheSessionAndKeepsTheToken() throws Exception {
        SessionInfo session = openWithScram();
        assertThat(session.sessionId()).isEqualTo(SESSION_ID);
        assertThat(session.user()).isEqualTo("alice");
        assertThat(session.resumed()).isFalse();
        assertThat(session.capabilities()).containsExactlyInAnyOrder(Capability.MESSAGES, Capability.RESUME_TOKEN);
        assertThat(session.heartbeatMillis()).isEqualTo(HEARTBEAT);
        assertThat(session.maxFrameSize()).isEqualTo(1 << 20);
        assertThat(session.maxChunkSize()).isEqualTo(256 * 1024);
        assertThat(session.maxFileSize()).isEqualTo(1L << 30);
        assertThat(session.nodeName()).isEqualTo("node-1");
        assertThat(events.tokens).containsExactly("token-1");
        assertThat(handler.isOpen()).isTrue();
        noMoreOutbound();
    }

    @Test
    void scramStartsWithTheMechanismNameAndTheClientFirstMessage() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256")));
        AuthStart start = next(AuthStart.class);
        assertThat(start.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(new String(start.data(), StandardCharsets.UTF_8)).startsWith("n,,n=alice,r=");
        noMoreOutbound();
    }

    @Test
    void aNodeThatCannotProveItKnowsThePasswordIsRejected() throws Exception {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        ScramTestServer impostor = new ScramTestServer("not-the-password".toCharArray());
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256")));
        channel.writeInbound(new AuthChallenge(impostor.serverFirst(next(AuthStart.class).data())));
        AuthResponse response = next(AuthResponse.class);
        // The impostor cannot check the proof either; it signs with its own key.
        byte[] forged = ("v=" + java.util.Base64.getEncoder().encodeToString(new byte[32]))
                .getBytes(StandardCharsets.UTF_8);
        assertThat(response.data()).isNotEmpty();
        channel.writeInbound(new AuthOk("alice", "stolen", 1L, forged));
        assertThat(failureOf(handler.opened()).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.tokens).isEmpty();
        assertThat(events.closed).singleElement().satisfies(c -> assertThat(c.reconnect).isFalse());
    }

    @Test
    void authFailedErrorFailsTheHandshakeAndForbidsReconnect() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256")));
        next(AuthStart.class);
        channel.writeInbound(ErrorFrame.of(0, ErrorCode.AUTH_FAILED, "authentication failed"));
        AldisException failure = failureOf(handler.opened());
        assertThat(failure.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(failure.rawCode()).isEqualTo(-201);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reconnect).isFalse();
            assertThat(c.reason.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        });
    }

    @Test
    void unsupportedVersionErrorFailsWithThatCode() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(ErrorFrame.of(0, ErrorCode.UNSUPPORTED_VERSION, "supported: 1.0"));
        assertThat(failureOf(handler.opened()).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(events.closed.get(0).reconnect).isFalse();
        noMoreOutbound();
    }

    @Test
    void plainSendsNulUserNulPasswordInUtf8() {
        open(params(null, "PLAIN", 10));
        next(Connect.class);
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256", "PLAIN")));
        AuthStart start = next(AuthStart.class);
        assertThat(start.mechanism()).isEqualTo("PLAIN");
        assertThat(start.data()).containsExactly("\0alice\0pencil".getBytes(StandardCharsets.UTF_8));
        channel.writeInbound(new AuthOk("alice", "token-p", 5L, new byte[0]));
        assertThat(handler.opened().join().resumed()).isFalse();
        assertThat(events.tokens).containsExactly("token-p");
    }

    @Test
    void plainEncodesNonAsciiPasswordsAsUtf8() {
        assertThat(ClientHandler.plainMessage("zoë", "pässwörd€".toCharArray()))
                .containsExactly("\0zoë\0pässwörd€".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mechanismTheNodeDoesNotOfferFailsWithoutSendingTheSecret() {
        open(params(null, "PLAIN", 10));
        next(Connect.class);
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256")));
        assertThat(failureOf(handler.opened()).code()).isEqualTo(ErrorCode.AUTH_MECHANISM_UNSUPPORTED);
        noMoreOutbound();
    }

    @Test
    void acceptedResumeTokenOpensTheSessionWithoutAuthentication() {
        open(params("token-1", "SCRAM-SHA-256", 10));
        Connect connect = next(Connect.class);
        assertThat(connect.resumeToken()).isEqualTo("token-1");
        channel.writeInbound(ack(true, List.of("SCRAM-SHA-256")));
        SessionInfo session = handler.opened().join();
        assertThat(session.resumed()).isTrue();
        assertThat(session.user()).isEqualTo("alice");
        noMoreOutbound();
    }

    @Test
    void refusedResumeTokenFallsBackToScramWithTheStoredCredentials() throws Exception {
        open(params("expired-token", "SCRAM-SHA-256", 10));
        assertThat(next(Connect.class).resumeToken()).isEqualTo("expired-token");
        ScramTestServer node = new ScramTestServer("pencil".toCharArray());
        channel.writeInbound(ack(false, List.of("SCRAM-SHA-256")));
        AuthStart start = next(AuthStart.class);
        assertThat(start.mechanism()).isEqualTo("SCRAM-SHA-256");
        channel.writeInbound(new AuthChallenge(node.serverFirst(start.data())));
        assertThat(node.user).isEqualTo("alice");
        channel.writeInbound(new AuthOk("alice", "token-2", 9L, node.serverFinal(next(AuthResponse.class).data())));
        assertThat(handler.opened().join().resumed()).isFalse();
        assertThat(events.tokens).containsExactly("token-2");
    }

    @Test
    void frameOutOfOrderDuringHandshakeIsAProtocolFailure() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(new AuthOk("alice", "t", 1L, new byte[0]));
        assertThat(failureOf(handler.opened()).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void handshakeTimesOutWhenTheNodeStaysSilent() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runPendingTasks();
        assertThat(failureOf(handler.opened()).code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aNodeThatOffersNoMechanismFailsTheHandshakeAsUnavailableAndLetsTheClientRetry() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(ack(false, List.of()));
        AldisException failure = failureOf(handler.opened());
        assertThat(failure.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("no authentication feature is running");
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.closed).singleElement().satisfies(c -> assertThat(c.reconnect).isTrue());
        noMoreOutbound();
    }

    @Test
    void capabilityChangeIsReportedInOrderWithTheFramesBeforeIt() throws Exception {
        openWithScram();
        channel.writeInbound(new Deliver(1, "a", "", Map.of(), new byte[] {1}), new CapabilityChange(0x45));
        assertThat(events.log).containsSubsequence("frames 1", "capabilities 45");
        assertThat(events.frames).singleElement().isInstanceOf(Deliver.class);
    }

    @Test
    void pauseQueuesApplicationFramesAndResumeFlushesThemInOrder() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        assertThat(handler.paused()).isTrue();
        assertThat(events.log).contains("paused");
        CompletableFuture<Void> a = handler.send(new Ack(1, "a"));
        CompletableFuture<Void> b = handler.send(new Ack(2, "b"));
        CompletableFuture<Void> c = handler.send(new Ack(3, "c"));
        noMoreOutbound();
        assertThat(a).isNotDone();

        channel.writeInbound(Resume.INSTANCE);
        assertThat(next(Ack.class).requestId()).isEqualTo(1);
        assertThat(next(Ack.class).requestId()).isEqualTo(2);
        assertThat(next(Ack.class).requestId()).isEqualTo(3);
        noMoreOutbound();
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
        assertThat(c).isCompleted();
        assertThat(handler.paused()).isFalse();
        assertThat(events.log).containsSubsequence("paused", "resumed");

        handler.send(new Ack(4, "d"));
        assertThat(next(Ack.class).requestId()).isEqualTo(4);
    }

    @Test
    void aFullPauseQueueFailsTheSendWithBusy() throws Exception {
        openWithScram(); // queue limit 3
        channel.writeInbound(Pause.INSTANCE);
        for (int i = 1; i <= 3; i++) {
            handler.send(new Ack(i, ""));
        }
        CompletableFuture<Void> overflow = handler.send(new Ack(4, ""));
        AldisException failure = failureOf(overflow);
        assertThat(failure.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(failure.getMessage()).contains("paused");
        channel.writeInbound(Resume.INSTANCE);
        assertThat(next(Ack.class).requestId()).isEqualTo(1);
        assertThat(next(Ack.class).requestId()).isEqualTo(2);
        assertThat(next(Ack.class).requestId()).isEqualTo(3);
        noMoreOutbound();
    }

    @Test
    void framesWaitWhileTheSocketTakesNoMoreWithinTheLimitAndGoOutInOrderAfterwards() throws Exception {
        openWithScram(); // queue limit 3
        // The write buffer over its high-water mark, as when the node stops reading our socket.
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(channel.isWritable()).isFalse();
        CompletableFuture<Void> a = handler.send(new Ack(1, "a"));
        handler.send(new Ack(2, "b"));
        handler.send(new Ack(3, "c"));
        AldisException failure = failureOf(handler.send(new Ack(4, "d")));
        assertThat(failure.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(failure.getMessage()).contains("takes no more");
        channel.writeInbound(new Ping(5));
        assertThat(next(Pong.class).nonce()).as("control frames still go out").isEqualTo(5);
        noMoreOutbound();
        assertThat(a).isNotDone();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks(); // Netty announces the change in a task of the event loop
        assertThat(next(Ack.class).requestId()).isEqualTo(1);
        assertThat(next(Ack.class).requestId()).isEqualTo(2);
        assertThat(next(Ack.class).requestId()).isEqualTo(3);
        noMoreOutbound();
        assertThat(a).isCompleted();
        handler.send(new Ack(6, "e"));
        assertThat(next(Ack.class).requestId()).isEqualTo(6);
    }

    @Test
    void streamCreditGoesOutWhilePausedBecauseItIsNoWorkFrame() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        CompletableFuture<Void> held = handler.send(new Ack(1, "a"));
        CompletableFuture<Void> credit = handler.send(new io.aldis.protocol.api.StreamCredit(2, 32));
        assertThat(next(io.aldis.protocol.api.StreamCredit.class).credit()).isEqualTo(32);
        noMoreOutbound();
        assertThat(credit).isCompleted();
        assertThat(held).isNotDone();
        channel.writeInbound(Resume.INSTANCE);
        assertThat(next(Ack.class).requestId()).isEqualTo(1);
    }

    @Test
    void pingIsAnsweredWhilePaused() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        channel.writeInbound(new Ping(77));
        assertThat(next(Pong.class).nonce()).isEqualTo(77);
        channel.writeInbound(new Ping(78));
        assertThat(next(Pong.class).nonce()).isEqualTo(78);
        assertThat(stats.snapshot().pingsReceived()).isEqualTo(2);
        noMoreOutbound();
    }

    @Test
    void pingIsAnsweredEvenBeforeTheSessionOpens() {
        open(params(null, "SCRAM-SHA-256", 10));
        next(Connect.class);
        channel.writeInbound(new Ping(5));
        assertThat(next(Pong.class).nonce()).isEqualTo(5);
    }

    @Test
    void quietConnectionSendsPingAtTheHeartbeatInterval() throws Exception {
        openWithScram();
        channel.advanceTimeBy(HEARTBEAT_LATEST, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        long nonce = next(Ping.class).nonce();
        channel.writeInbound(new Pong(nonce));
        assertThat(stats.snapshot().pingsSent()).isEqualTo(1);
        assertThat(stats.snapshot().pongsReceived()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
        noMoreOutbound();
    }

    @Test
    void silenceForTwoIntervalsClosesTheConnectionAsDead() throws Exception {
        openWithScram();
        channel.advanceTimeBy(HEARTBEAT_LATEST, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        next(Ping.class);
        channel.advanceTimeBy(HEARTBEAT, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
            assertThat(c.reconnect).isTrue();
        });
        channel.readOutbound(); // a second PING may have gone out before the read timeout
    }

    @Test
    void writerIdleEventSendsPingEvenWhilePaused() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        assertThat(next(Ping.class)).isNotNull();
    }

    @Test
    void closeFromTheNodeIsAnsweredWithCloseAckAndReconnectIsAllowed() throws Exception {
        openWithScram();
        channel.writeInbound(new Close(ErrorCode.SESSION_KILLED.code(), "killed by operator"));
        next(CloseAck.class);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.code()).isEqualTo(ErrorCode.SESSION_KILLED);
            assertThat(c.reason.message()).isEqualTo("killed by operator");
            assertThat(c.reconnect).isTrue();
        });
    }

    @Test
    void closeFromTheNodeWithAuthFailedForbidsReconnect() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        CompletableFuture<Void> queued = handler.send(new Ack(1, ""));
        channel.writeInbound(new Close(ErrorCode.AUTH_FAILED.code(), "credentials revoked"));
        next(CloseAck.class);
        assertThat(events.closed.get(0).reconnect).isFalse();
        assertThat(failureOf(queued).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
    }

    @Test
    void gracefulCloseSendsCloseAndWaitsForCloseAck() throws Exception {
        openWithScram();
        CompletableFuture<Void> closed = handler.close(5_000);
        channel.runPendingTasks();
        Close close = next(Close.class);
        assertThat(close.code()).isZero();
        assertThat(close.message()).isEqualTo("client closing");
        assertThat(closed).isNotDone();
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(CloseAck.INSTANCE);
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed).isCompleted();
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reconnect).isFalse();
            assertThat(c.reason.code()).isNull();
            assertThat(c.reason.normal()).isTrue();
            assertThat(c.reason.rawCode()).isZero();
            assertThat(c.reason.errorCode()).isEmpty();
        });
    }

    @Test
    void closeFromTheNodeWithCodeZeroIsANormalClose() throws Exception {
        openWithScram();
        channel.writeInbound(new Close(0, "node shutting down for maintenance"));
        next(CloseAck.class);
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.normal()).isTrue();
            assertThat(c.reason.rawCode()).isZero();
            assertThat(c.reason.errorCode()).isEmpty();
            assertThat(c.reason.message()).isEqualTo("node shutting down for maintenance");
        });
    }

    @Test
    void closeFromTheNodeWithACodeThisReleaseDoesNotKnowIsNotMistakenForANormalClose() throws Exception {
        openWithScram();
        channel.writeInbound(new Close(-9_876, "a reason from a newer node"));
        next(CloseAck.class);
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.normal()).isFalse();
            assertThat(c.reason.rawCode()).isEqualTo(-9_876);
            assertThat(c.reason.errorCode()).isEmpty();
            assertThat(c.reconnect).isTrue();
        });
    }

    @Test
    void aLostConnectionIsNotANormalClose() throws Exception {
        openWithScram();
        channel.close();
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.normal()).isFalse();
            assertThat(c.reason.errorCode()).contains(ErrorCode.CONNECTION_LOST);
            assertThat(c.reason.rawCode()).isEqualTo(ErrorCode.CONNECTION_LOST.code());
        });
    }

    @Test
    void gracefulCloseGoesOutEvenWhilePaused() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        handler.close(5_000);
        channel.runPendingTasks();
        assertThat(next(Close.class).code()).isZero();
        channel.writeInbound(CloseAck.INSTANCE);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void gracefulCloseGivesUpWaitingAfterTheTimeout() throws Exception {
        openWithScram();
        CompletableFuture<Void> closed = handler.close(2_000);
        channel.runPendingTasks();
        next(Close.class);
        channel.advanceTimeBy(2_001, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed).isCompleted();
    }

    @Test
    void sendingAfterCloseFailsAsNotConnected() throws Exception {
        openWithScram();
        handler.close(1_000);
        channel.runPendingTasks();
        next(Close.class);
        assertThat(failureOf(handler.send(new Ack(1, ""))).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        channel.writeInbound(CloseAck.INSTANCE);
    }

    @Test
    void answersCompleteTheirRequestAndErrorsFailIt() throws Exception {
        openWithScram();
        CompletableFuture<Frame> ok = requests.register(41);
        CompletableFuture<Frame> bad = requests.register(42);
        channel.writeInbound(new Ack(41, "{}"));
        channel.writeInbound(ErrorFrame.of(42, ErrorCode.FORBIDDEN, "no"));
        assertThat(ok.join()).isEqualTo(new Ack(41, "{}"));
        assertThat(failureOf(bad).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(events.frames).isEmpty();
        assertThat(requests.size()).isZero();
    }

    @Test
    void framesReadInOneGoReachTheApplicationAsOneBatchAfterWhatTheHandlerActedOnBeforeThem() throws Exception {
        openWithScram();
        List<Deliver> d = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            d.add(new Deliver(7, "s.x", "", Map.of(), new byte[] {(byte) i}));
        }
        channel.writeInbound(d.get(0), d.get(1), Pause.INSTANCE, d.get(2), d.get(3), d.get(4));
        assertThat(events.log).containsExactly("frames 2", "paused", "frames 3");
        assertThat(events.frames).containsExactlyElementsOf(d);

        // A read longer than one batch is handed over in bounded batches, still in order.
        List<Deliver> many = new ArrayList<>();
        for (int i = 0; i < ClientHandler.HANDOVER_BATCH + 10; i++) {
            many.add(new Deliver(7, "s.y", "", Map.of(), new byte[0]));
        }
        events.batches.clear();
        channel.writeInbound(many.toArray());
        assertThat(events.batches).containsExactly(ClientHandler.HANDOVER_BATCH, 10);
        assertThat(events.frames.subList(d.size(), events.frames.size())).containsExactlyElementsOf(many);
    }

    @Test
    void whatTheApplicationSendsInlineWhileHandlingABatchGoesOutInOneFlush() throws Exception {
        openWithScram();
        int[] flushes = {0};
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
                flushes[0]++;
                super.flush(ctx);
            }
        });
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        events.inline = frame -> {
            CompletableFuture<Void> written = new CompletableFuture<>();
            sent.add(written);
            handler.send(new Publish("s.answer", "", Map.of(), new byte[] {1}), written, null);
        };
        Object[] delivers = new Object[5];
        for (int i = 0; i < delivers.length; i++) {
            delivers[i] = new Deliver(7, "s.x", "", Map.of(), new byte[] {(byte) i});
        }
        channel.writeInbound(delivers);
        events.inline = null;
        assertThat(flushes[0]).as("flushes for five frames sent while one batch was handled").isEqualTo(1);
        for (int i = 0; i < delivers.length; i++) {
            next(Publish.class);
        }
        noMoreOutbound();
        assertThat(sent).hasSize(5).allMatch(CompletableFuture::isDone);

        // Outside a batch, a send is flushed at once.
        handler.send(new Publish("s.alone", "", Map.of(), new byte[0]), new CompletableFuture<>(), null);
        assertThat(flushes[0]).isEqualTo(2);
        next(Publish.class);
    }

    @Test
    void aLongAnswerToOneBatchGoesOutInSlicesSoThePeerCanStartOnTheFirst() throws Exception {
        openWithScram();
        List<Integer> framesPerFlush = new ArrayList<>();
        int[] written = {0};
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                    io.netty.channel.ChannelPromise promise) throws Exception {
                written[0]++;
                super.write(ctx, msg, promise);
            }

            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
                framesPerFlush.add(written[0]);
                written[0] = 0;
                super.flush(ctx);
            }
        });
        int slice = io.aldis.protocol.api.codec.Flushes.FRAMES_PER_FLUSH;
        events.inline = frame -> {
            // two answers per frame read: more than one slice in all
            for (int k = 0; k < 2; k++) {
                handler.send(new Publish("s.answer", "", Map.of(), new byte[] {1}), new CompletableFuture<>(), null);
            }
        };
        Object[] delivers = new Object[slice + 1];
        for (int i = 0; i < delivers.length; i++) {
            delivers[i] = new Deliver(7, "s.x", "", Map.of(), new byte[] {(byte) i});
        }
        channel.writeInbound(delivers);
        events.inline = null;
        int total = 2 * delivers.length;
        assertThat(framesPerFlush).as("frames per flush for %d frames sent while one batch was handled", total)
                .containsExactly(slice, slice, total - 2 * slice);
        for (int i = 0; i < total; i++) {
            next(Publish.class);
        }
        noMoreOutbound();
    }

    @Test
    void readingStopsWhileTooManyFramesWaitForTheApplicationAndResumesAtHalf() throws Exception {
        openWithScram();
        events.unprocessed = new ArrayList<>();
        for (int i = 1; i < ClientHandler.MAX_UNPROCESSED; i++) {
            channel.writeInbound(new Ack(1000 + i, ""));
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.writeInbound(new Ack(999, "the last one allowed"));
        assertThat(channel.config().isAutoRead()).as("reading stopped at the limit").isFalse();

        int half = ClientHandler.MAX_UNPROCESSED / 2;
        for (int i = 0; i < half - 1; i++) {
            events.unprocessed.get(i).run();
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("still above half").isFalse();
        events.unprocessed.get(half - 1).run();
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("reading resumed at half").isTrue();
        assertThat(events.frames).hasSize(ClientHandler.MAX_UNPROCESSED);
    }

    @Test
    void connectionLevelErrorsGoToTheListenerAndOtherFramesToFrameHandlers() throws Exception {
        openWithScram();
        ErrorFrame connectionError = ErrorFrame.of(0, ErrorCode.RATE_LIMITED, "slow down");
        channel.writeInbound(connectionError);
        channel.writeInbound(new Ack(99, "unsolicited"));
        assertThat(events.errors).containsExactly(connectionError);
        assertThat(events.frames).containsExactly(new Ack(99, "unsolicited"));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void lostConnectionFailsQueuedFramesAndReportsConnectionLost() throws Exception {
        openWithScram();
        channel.writeInbound(Pause.INSTANCE);
        CompletableFuture<Void> queued = handler.send(new Ack(1, ""));
        channel.close();
        assertThat(failureOf(queued).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(events.closed).singleElement().satisfies(c -> {
            assertThat(c.reason.code()).isEqualTo(ErrorCode.CONNECTION_LOST);
            assertThat(c.reconnect).isTrue();
        });
    }

    @Test
    void countsFramesBothWays() throws Exception {
        openWithScram();
        // CONNECT, AUTH_START, AUTH_RESPONSE out; CONNECT_ACK, AUTH_CHALLENGE, AUTH_OK in
        assertThat(stats.snapshot().framesSent()).isEqualTo(3);
        assertThat(stats.snapshot().framesReceived()).isEqualTo(3);
    }

    private static AldisException failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        Throwable cause = future.handle((v, e) -> e).join();
        if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(AldisException.class);
        return (AldisException) cause;
    }

    /** Records what the handler reports. */
    static final class Recorder implements ConnectionEvents {
        record Closed(DisconnectReason reason, boolean reconnect) {
        }

        final List<String> tokens = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        final List<ErrorFrame> errors = new ArrayList<>();
        final List<Frame> frames = new ArrayList<>();
        final List<Closed> closed = new ArrayList<>();

        @Override
        public void tokenIssued(String token, long expiresAt) {
            tokens.add(token);
        }

        @Override
        public void nodePaused() {
            log.add("paused");
        }

        @Override
        public void nodeResumed() {
            log.add("resumed");
        }

        @Override
        public void connectionError(ErrorFrame error) {
            errors.add(error);
        }

        @Override
        public void capabilitiesChanged(long capabilities) {
            log.add("capabilities " + Long.toHexString(capabilities));
        }

        /** When set, run for every frame as the application handles it, on the event loop. */
        java.util.function.Consumer<Frame> inline;

        @Override
        public void frame(Frame frame) {
            frames.add(frame);
            if (inline != null) {
                inline.accept(frame);
            }
        }

        /** When set, batches of frames stay unprocessed until the test runs their callbacks. */
        List<Runnable> unprocessed;
        /** The size of every batch handed over. */
        final List<Integer> batches = new ArrayList<>();

        @Override
        public void frames(List<Frame> batch, Runnable processed) {
            batches.add(batch.size());
            log.add("frames " + batch.size());
            if (unprocessed == null) {
                ConnectionEvents.super.frames(batch, processed);
            } else {
                frames.addAll(batch);
                unprocessed.add(processed);
            }
        }

        @Override
        public void closed(ClientHandler h, DisconnectReason reason, boolean reconnect) {
            closed.add(new Closed(reason, reconnect));
        }
    }
}
