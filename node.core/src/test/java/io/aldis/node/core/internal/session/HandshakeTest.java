package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.MapTokenStore;
import io.aldis.node.core.internal.ResumeTokens;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The handshake and authentication state machine (docs/protocol.md sections 4.1 and 4.4). */
class HandshakeTest {
    private final TestHost host = new TestHost();

    private static ErrorFrame onlyError(List<Frame> sent) {
        assertThat(sent).hasSize(1).first().isInstanceOf(ErrorFrame.class);
        return (ErrorFrame) sent.get(0);
    }

    @Test
    void aFirstFrameOtherThanConnectIsRefusedWithoutAnAnswerToIt() {
        SessionRig rig = new SessionRig(host).receive(new Ping(7));

        ErrorFrame error = onlyError(rig.sent());
        assertThat(error.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(error.requestId()).isZero();
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void anUnsupportedVersionIsRefusedNamingTheSupportedOnes() {
        SessionRig rig = new SessionRig(host).receive(new Connect(0x0200, 0, UUID.randomUUID(), "", "future"));

        ErrorFrame error = onlyError(rig.sent());
        assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION.code());
        assertThat(error.details()).isEqualTo("{\"supported\":[\"1.0\"]}");
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void connectAckAnnouncesTheSessionsLimitsAndMechanismsAndAwaitsAuthentication() {
        host.capabilities = Capability.PUBSUB.mask();
        SessionRig rig = new SessionRig(host).connect(Capability.PUBSUB.mask(), "");

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(1).first().isInstanceOf(ConnectAck.class);
        ConnectAck ack = (ConnectAck) sent.get(0);
        assertThat(ack.authenticated()).isFalse();
        assertThat(ack.sessionId()).isEqualTo(rig.session.id());
        assertThat(ack.capabilities()).isEqualTo(Capability.PUBSUB.mask());
        assertThat(ack.mechanisms()).containsExactly("TEST");
        // The transport's decoder allows less than the node would: the smaller one is announced.
        assertThat(ack.maxFrameSize()).isEqualTo(SessionRig.TRANSPORT_MAX_FRAME);
        assertThat(rig.session.limits().maxFrameSize()).isEqualTo(SessionRig.TRANSPORT_MAX_FRAME);
        assertThat(rig.session.limits().maxChunkSize()).isEqualTo(ack.maxChunkSize());
        assertThat(rig.session.state()).isEqualTo(SessionState.AUTHENTICATING);
        assertThat(rig.session.clientName()).isEqualTo("rig");
        assertThat(host.opened).isEmpty();
    }

    @Test
    void aRightPasswordOpensTheSessionAndLiftsTheHandshakeFrameLimit() {
        SessionRig rig = new SessionRig(host);
        List<Object> events = new ArrayList<>();
        rig.channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
                ctx.fireUserEventTriggered(evt);
            }
        });
        rig.connect(0, "").sent();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(1).first().isInstanceOf(AuthOk.class);
        AuthOk ok = (AuthOk) sent.get(0);
        assertThat(ok.user()).isEqualTo("alice");
        assertThat(host.tokens.validate(ok.resumeToken())).isPresent();
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
        assertThat(rig.session.user().name()).isEqualTo("alice");
        assertThat(host.opened).containsExactly(rig.session);
        assertThat(events).containsExactly(new FrameSizeLimit(SessionRig.TRANSPORT_MAX_FRAME));
    }

    @Test
    void theFileLimitsAreThoseOfTheRunningFileFeatureCutToTheFrameSize() {
        SessionRig without = new SessionRig(host).connect(0, "");
        ConnectAck nodeOwn = (ConnectAck) without.sent().get(0);
        assertThat(nodeOwn.maxFileSize()).isEqualTo(1L << 30);
        assertThat(nodeOwn.maxChunkSize()).isEqualTo(256 * 1024);

        host.serve(new FileFeature());
        SessionRig with = new SessionRig(host).connect(0, "");
        ConnectAck ack = (ConnectAck) with.sent().get(0);
        assertThat(ack.maxFileSize()).isEqualTo(12345L);
        // The feature asks for 4 MiB; a chunk must fit in one frame of this transport.
        assertThat(ack.maxChunkSize()).isEqualTo(SessionRig.TRANSPORT_MAX_FRAME - 30);
    }

    /** A file-transfer handler that announces its own limits. */
    private static final class FileFeature implements io.aldis.protocol.api.spi.node.FrameHandler,
            io.aldis.protocol.api.spi.node.TransferLimits {
        @Override
        public Set<io.aldis.protocol.api.FrameType> frameTypes() {
            return Set.of(io.aldis.protocol.api.FrameType.UPLOAD_REQUEST);
        }

        @Override
        public void handle(io.aldis.protocol.api.spi.node.Session session, Frame frame) {
        }

        @Override
        public long maxFileSize() {
            return 12345L;
        }

        @Override
        public int maxChunkSize() {
            return 4 << 20;
        }
    }

    @Test
    void aValidResumeTokenOpensTheSessionWithoutAnExchange() {
        String token = host.tokens.issue(new AuthenticatedUser("bob", Set.of("admin"), "TEST")).token();
        SessionRig rig = new SessionRig(host).connect(0, token);

        ConnectAck ack = (ConnectAck) rig.sent().get(0);
        assertThat(ack.authenticated()).isTrue();
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
        assertThat(rig.session.user().name()).isEqualTo("bob");
        assertThat(rig.session.user().roles()).containsExactly("admin");
        assertThat(rig.session.user().mechanism()).isEqualTo("RESUME");
        assertThat(host.opened).containsExactly(rig.session);
    }

    @Test
    void aResumedSessionEndsTheOneStillOpenWithItsTokenAndOpensOnlyOnceTheFeaturesHeardOfThatEnd() {
        SessionRig first = new SessionRig(host).open(0);
        SessionRig second = new SessionRig(host).connect(0, first.token);

        assertThat(second.sent()).isEmpty();
        assertThat(onlyError(first.sent()).code()).isEqualTo(ErrorCode.SESSION_KILLED.code());
        assertThat(first.channel.isOpen()).isFalse();
        assertThat(second.sent()).isEmpty();

        first.runWorkers();
        assertThat(host.closed).containsExactly(first.session);
        ConnectAck ack = (ConnectAck) second.sent().get(0);
        assertThat(ack.authenticated()).isTrue();
        assertThat(host.opened).containsExactly(first.session, second.session);
        assertThat(second.session.resumeKey()).isNotNull().isEqualTo(first.session.resumeKey());
    }

    @Test
    void aSessionWhoseTokenWasRevokedHasNoResumeKey() {
        SessionRig rig = new SessionRig(host).open(0);
        assertThat(rig.session.resumeKey()).isNotNull().doesNotContain(rig.token);

        rig.session.revokeToken();

        assertThat(rig.session.resumeKey()).isNull();
    }

    @Test
    void aTokenFromAnotherNodeIsLookedUpOnAWorkerAndTheAckWaitsForTheAnswer() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens otherNode = new ResumeTokens(host.clock, 3_600_000, 100);
        otherNode.share(store, Runnable::run);
        String token = otherNode.issueShared(new AuthenticatedUser("bob", Set.of("admin"), "TEST")).join().token();
        host.tokens.share(store, host.workers());
        host.runWorkers(); // the node hands the store its own tokens before it uses it

        SessionRig rig = new SessionRig(host).connect(0, token);
        assertThat(rig.sent()).as("nothing before the store answered").isEmpty();
        assertThat(rig.session.state()).isEqualTo(SessionState.CONNECTING);

        rig.runWorkers();
        ConnectAck ack = (ConnectAck) rig.sent().get(0);
        assertThat(ack.authenticated()).isTrue();
        assertThat(rig.session.user().name()).isEqualTo("bob");
        assertThat(rig.session.user().roles()).containsExactly("admin");
        rig.runWorkers();
        assertThat(store.resumed).as("the other nodes are told").containsExactly(rig.session.resumeKey());
    }

    @Test
    void aLoginIsAnsweredOnceTheSharedStoreHasItsToken() {
        MapTokenStore store = new MapTokenStore();
        host.tokens.share(store, host.workers());
        host.runWorkers(); // the node hands the store its own tokens before it uses it
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));
        assertThat(rig.sent()).as("no AUTH_OK before the store has the token").isEmpty();
        assertThat(store.grants).isEmpty();

        rig.runWorkers();
        AuthOk ok = (AuthOk) rig.sent().get(0);
        assertThat(store.grants).containsOnlyKeys(ResumeTokens.keyOf(ok.resumeToken()));
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
    }

    @Test
    void aStoreThatFailsWithAnErrorLeavesTheNodeOnItsOwnTokens() {
        String before = host.tokens.issue(new AuthenticatedUser("bob", Set.of("admin"), "TEST")).token();
        BreakingStore store = new BreakingStore();
        host.tokens.share(store, host.workers());
        host.runWorkers(); // handed over: the store is used from now on
        store.broken = true;

        SessionRig resumed = new SessionRig(host).connect(0, before);
        resumed.runWorkers();
        assertThat(((ConnectAck) resumed.sent().get(0)).authenticated()).as("checked here").isTrue();

        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));
        rig.runWorkers();
        AuthOk ok = (AuthOk) rig.sent().get(0);
        assertThat(host.tokens.validate(ok.resumeToken())).as("valid on this node").isPresent();
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
    }

    @Test
    void aStoreThatNeverAnswersHoldsNeitherAResumeNorALoginPastItsDeadline() {
        String before = host.tokens.issue(new AuthenticatedUser("bob", Set.of("admin"), "TEST")).token();
        MapTokenStore store = new MapTokenStore();
        host.tokens.share(store, host.workers());
        host.runWorkers(); // handed over; from now on no store call is ever run: the store hangs

        SessionRig resumed = new SessionRig(host).connect(0, before);
        assertThat(resumed.sent()).as("waiting for the store").isEmpty();
        resumed.advance(SessionRig.AUTH_TIMEOUT / 2);
        ConnectAck ack = (ConnectAck) resumed.sent().get(0);
        assertThat(ack.authenticated()).as("resumed with this node's own token").isTrue();
        assertThat(resumed.session.state()).isEqualTo(SessionState.OPEN);

        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));
        assertThat(rig.sent()).as("waiting for the store").isEmpty();
        rig.advance(SessionRig.AUTH_TIMEOUT / 2);
        AuthOk ok = (AuthOk) rig.sent().get(0);
        assertThat(host.tokens.validate(ok.resumeToken())).as("valid on this node").isPresent();
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
    }

    @Test
    void whileCONNECTWaitsForTheStoreAPingIsAnsweredAndASecondConnectRefused() {
        String before = host.tokens.issue(new AuthenticatedUser("bob", Set.of("admin"), "TEST")).token();
        host.tokens.share(new MapTokenStore(), host.workers());
        host.runWorkers(); // handed over: lookups go to the store from now on

        SessionRig rig = new SessionRig(host).connect(0, before);
        rig.receive(new Ping(7));
        assertThat(rig.sent()).as("answered while the lookup is pending").containsExactly(new Pong(7));
        rig.runWorkers();
        assertThat(((ConnectAck) rig.sent().get(0)).authenticated()).isTrue();

        SessionRig twice = new SessionRig(host).connect(0, before);
        twice.connect(0, before);
        assertThat(onlyError(twice.sent()).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(twice.channel.isOpen()).isFalse();
    }

    /** A store whose classes go away once it is broken, as while the feature that provides it is refreshed. */
    private static final class BreakingStore implements ResumeTokenStore {
        private final MapTokenStore kept = new MapTokenStore();
        volatile boolean broken;

        @Override
        public void put(ResumeGrant grant, int maxPerUser) {
            failIfBroken();
            kept.put(grant, maxPerUser);
        }

        @Override
        public Optional<ResumeGrant> get(String key) {
            failIfBroken();
            return kept.get(key);
        }

        @Override
        public boolean remove(String key) {
            failIfBroken();
            return kept.remove(key);
        }

        @Override
        public int removeUser(String user) {
            failIfBroken();
            return kept.removeUser(user);
        }

        @Override
        public void resumed(String key) {
            failIfBroken();
        }

        private void failIfBroken() {
            if (broken) {
                throw new NoClassDefFoundError("io/aldis/feature/cluster/internal/sessions/GrantCodec");
            }
        }
    }

    @Test
    void anUnknownTokenIsNotAnErrorButMeansAuthenticating() {
        SessionRig rig = new SessionRig(host).connect(0, "not-a-token");

        ConnectAck ack = (ConnectAck) rig.sent().get(0);
        assertThat(ack.authenticated()).isFalse();
        assertThat(rig.session.state()).isEqualTo(SessionState.AUTHENTICATING);
    }

    @Test
    void aVerdictWaitsForItsTurnAndAWrongAndARightPasswordWaitAlike() {
        // A first failure from this address: judged and answered at once.
        SessionRig guess = new SessionRig(host).connect(0, "");
        guess.sent();
        guess.receive(SessionRig.login("alice", "wrong"));
        assertThat(onlyError(guess.sent()).code()).isEqualTo(ErrorCode.AUTH_FAILED.code());
        assertThat(guess.channel.isOpen()).isFalse();

        // The next attempt through the same gates gets its verdict one delay later, right or wrong.
        SessionRig right = new SessionRig(host).connect(0, "");
        right.sent();
        right.receive(SessionRig.login("alice", TestHost.PASSWORD));
        assertThat(right.sent()).isEmpty();
        assertThat(right.session.state()).isEqualTo(SessionState.AUTHENTICATING);

        right.advance(TestHost.FAILURE_DELAY - 1);
        assertThat(right.sent()).isEmpty();
        right.advance(1);
        assertThat(right.sent()).hasSize(1).first().isInstanceOf(AuthOk.class);
    }

    @Test
    void aHeldVerdictIsNeverReplacedByTheAuthTimeout() {
        SessionRig guess = new SessionRig(host).connect(0, "");
        guess.receive(SessionRig.login("alice", "wrong"));
        SessionRig late = new SessionRig(host).connect(0, "");
        late.sent();
        late.advance(SessionRig.AUTH_TIMEOUT - 10);
        late.receive(SessionRig.login("alice", TestHost.PASSWORD));

        late.advance(TestHost.FAILURE_DELAY);

        assertThat(late.sent()).hasSize(1).first().isInstanceOf(AuthOk.class);
        assertThat(late.session.state()).isEqualTo(SessionState.OPEN);
    }

    @Test
    void aCapabilityThatCameWhileTheClientAuthenticatedIsAnnouncedBeforeTheAddresses() {
        long asks = Capability.NODE_ADDRESSES.mask();
        host.judgeLater = true;
        SessionRig rig = new SessionRig(host).connect(asks, "");
        assertThat(((ConnectAck) rig.sent().get(0)).capabilities()).isZero();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));

        // The cluster's address book arrives while the verdict is pending.
        NodeAddresses list = new NodeAddresses(List.of("tcp://10.0.0.1:7440"));
        host.capabilities = asks;
        host.addresses = clientAsked -> list;
        rig.session.capabilitiesChanged();
        host.pendingSteps.poll().run();

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).isInstanceOf(AuthOk.class);
        assertThat(sent.subList(1, 3)).containsExactly(new CapabilityChange(asks), list);
    }

    @Test
    void aCapabilityThatWentWhileTheClientAuthenticatedIsAnnouncedAndNoAddressesFollow() {
        long asks = Capability.NODE_ADDRESSES.mask();
        host.capabilities = asks;
        host.addresses = clientAsked -> new NodeAddresses(List.of("tcp://10.0.0.1:7440"));
        host.judgeLater = true;
        SessionRig rig = new SessionRig(host).connect(asks, "");
        assertThat(((ConnectAck) rig.sent().get(0)).capabilities()).isEqualTo(asks);
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));

        // The book goes while the verdict is pending.
        host.capabilities = 0;
        host.addresses = clientAsked -> null;
        rig.session.capabilitiesChanged();
        host.pendingSteps.poll().run();

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).isInstanceOf(AuthOk.class);
        assertThat(sent.get(1)).isEqualTo(new CapabilityChange(0));
    }

    @Test
    void anAuthFrameBeforeTheLastOneWasAnsweredEndsTheConnection() {
        host.judgeLater = true;
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD), new AuthResponse(new byte[] {1}));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void aWorkFrameBeforeAuthenticationEndsTheConnection() {
        SessionRig rig = new SessionRig(host).connect(Capability.PUBSUB.mask(), "");
        rig.sent();
        rig.receive(new Subscribe(3, "a.b", "", ""));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.AUTH_REQUIRED.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void pingIsAnsweredWhileAuthenticating() {
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(new Ping(42));

        assertThat(rig.sent()).containsExactly(new Pong(42));
    }

    @Test
    void aMechanismNotOfferedIsRefused() {
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.receive(new AuthStart("PLAIN", new byte[0]));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.AUTH_MECHANISM_UNSUPPORTED.code());
    }

    @Test
    void withNoMechanismAtAllAnAttemptIsToldToComeBackLater() {
        host.mechanisms.clear();
        SessionRig rig = new SessionRig(host).connect(0, "");
        assertThat(((ConnectAck) rig.sent().get(0)).mechanisms()).isEmpty();
        rig.receive(SessionRig.login("alice", TestHost.PASSWORD));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
    }

    @Test
    void theAuthTimeoutCountsFromTheAccept() {
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        rig.advance(SessionRig.AUTH_TIMEOUT - 1);
        assertThat(rig.sent()).isEmpty();

        rig.advance(1);

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.AUTH_TIMEOUT.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void aSecondConnectAfterAuthenticationEndsTheConnection() {
        SessionRig rig = new SessionRig(host).open(0);
        rig.connect(0, "");

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }
}
