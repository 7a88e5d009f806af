package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.NodeAddresses;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole client against a small scripted node on loopback. */
class AldisClientTest {
    private static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(10),
            Duration.ofMillis(40), 4);

    /** A first delay long enough to see that no attempt waited, short enough for a connection to outlast it. */
    private static final ReconnectPolicy SETTLED = ReconnectPolicy.exponential(Duration.ofMillis(200),
            Duration.ofHours(1), 1);

    private final Events events = new Events();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private FakeNode node() throws InterruptedException {
        FakeNode node = new FakeNode().start();
        cleanup.add(node);
        return node;
    }

    /** A client of the nodes at {@code addresses}, connected, its {@code connected} event seen. */
    private AldisClient connectedClientOf(ReconnectPolicy policy, String... addresses) throws Exception {
        AldisClient client = clientOf(policy, addresses);
        get(client.connect());
        assertThat(events.next()).isEqualTo("connected resumed=false");
        return client;
    }

    private AldisClient client(int port, ReconnectPolicy policy) {
        return client(port, policy, new ConnectionListener() { });
    }

    /** A client of the nodes at {@code addresses}, host:port each. */
    private AldisClient clientOf(ReconnectPolicy policy, String... addresses) {
        return client(AldisClient.builder().addresses(addresses), policy, new ConnectionListener() { });
    }

    private AldisClient client(int port, ReconnectPolicy policy, ConnectionListener another) {
        return client(AldisClient.builder().address("127.0.0.1", port), policy, another);
    }

    private AldisClient client(AldisClient.Builder builder, ReconnectPolicy policy, ConnectionListener another) {
        AldisClient client = builder
                .credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN")
                .reconnect(policy)
                .listener(events)
                .listener(another)
                .clientName("client-test")
                .connectTimeout(Duration.ofSeconds(5))
                .closeTimeout(Duration.ofSeconds(5))
                .build();
        cleanup.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
        return client;
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static AldisException failure(CompletableFuture<?> future) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(AldisException.class);
        return (AldisException) thrown.getCause();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void connectionRefusedFailsTheInitialConnectWithConnectionFailed() throws Exception {
        AldisClient client = client(freePort(), FAST);
        AldisException e = failure(client.connect());
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(e.rawCode()).isEqualTo(-700);
        assertThat(client.state()).isEqualTo(ClientState.FAILED);
        // Listener events are queued before the future completes, on the same callback queue.
        assertThat(events.now()).isEqualTo("nothing");
    }

    @Test
    void connectsAuthenticatesAndClosesGracefully() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        assertThat(client.state()).isEqualTo(ClientState.NEW);
        assertThat(get(client.connect())).isSameAs(client);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(client.session().user()).isEqualTo("alice");
        assertThat(client.session().resumed()).isFalse();
        assertThat(client.resumeToken()).contains("token-1");
        assertThat(events.next()).isEqualTo("connected resumed=false");
        Connect connect = node.await(Connect.class);
        assertThat(connect.clientName()).isEqualTo("client-test");

        get(client.close());
        assertThat(node.await(Close.class).message()).isEqualTo("client closing");
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(events.next()).isEqualTo("disconnected null");
        assertThat(events.lastReason.normal()).isTrue();
        assertThat(events.lastReason.rawCode()).isZero();
        assertThat(events.lastReason.errorCode()).isEmpty();
        assertThat(failure(client.send(new Ack(1, ""))).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(failure(client.connect()).code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
    }

    @Test
    void wrongPasswordFailsTheConnectWithAuthFailed() throws Exception {
        FakeNode node = node();
        node.password = "other";
        AldisClient client = client(node.port(), FAST);
        assertThat(failure(client.connect()).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(client.state()).isEqualTo(ClientState.FAILED);
        assertThat(node.connects.get()).isEqualTo(1);
    }

    @Test
    void requestsCompleteWithTheAnswerOrFailWithTheError() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        long id = client.nextRequestId();
        assertThat(client.nextRequestId()).isNotEqualTo(id);
        assertThat(get(client.request(id, new Ack(id, "hello")))).isEqualTo(new Ack(id, "answer"));
        long bad = client.nextRequestId();
        assertThat(failure(client.request(bad, new Ack(bad, "fail"))).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(client.stats().framesSent()).isGreaterThanOrEqualTo(4);
        assertThat(client.stats().framesReceived()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void reconnectsAfterALostConnectionAndResumesWithTheToken() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.await(Connect.class);

        lose(node);
        assertThat(events.next()).startsWith("reconnecting 1 ");
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        assertThat(node.await(Connect.class).resumeToken()).isEqualTo("token-1");
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(client.session().resumed()).isTrue();
        assertThat(client.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void refusedTokenOnReconnectFallsBackToTheCredentials() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.validTokens.clear();
        lose(node);
        assertThat(events.next()).startsWith("reconnecting 1 ");
        assertThat(events.next()).isEqualTo("reconnected resumed=false");
        assertThat(client.resumeToken()).contains("token-2");
    }

    @Test
    void closeFromTheNodeIsAcknowledgedAndTheClientComesBack() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.closeAll(ErrorCode.SESSION_KILLED, "kicked");
        assertThat(node.await(CloseAck.class)).isNotNull();
        assertThat(events.next()).isEqualTo("disconnected SESSION_KILLED");
        assertThat(events.lastReason.normal()).isFalse();
        assertThat(events.next()).startsWith("reconnecting 1 ");
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
    }

    @Test
    void everyReconnectAttemptIsToldWhyTheConnectionWasLost() throws Exception {
        FakeNode node = node();
        Causes causes = new Causes();
        AldisClient client = client(node.port(), FAST, causes);
        get(client.connect());
        events.next();
        node.stopListening();
        node.closeAll(ErrorCode.SESSION_KILLED, "kicked");
        for (int n = 1; n <= 4; n++) {
            assertThat(causes.next()).isEqualTo("reconnecting " + n + " SESSION_KILLED kicked");
        }
        // The listener above overrides only the old method: it is still told of every attempt.
        assertThat(events.next()).isEqualTo("disconnected SESSION_KILLED");
        for (int n = 1; n <= 4; n++) {
            assertThat(events.next()).startsWith("reconnecting " + n + " ");
        }
    }

    @Test
    void aRetriedFirstConnectIsToldWhyThePreviousAttemptFailed() throws Exception {
        int port = freePort();
        Causes causes = new Causes();
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", port)
                .credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 100))
                .retryInitialConnect(true)
                .listener(causes)
                .build();
        cleanup.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
        client.connect();
        assertThat(causes.next()).startsWith("reconnecting 1 CONNECTION_FAILED cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void theSessionCarriesTheNodeNameAndKeepsItWhenCapabilitiesChange() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        assertThat(client.session().nodeName()).isEqualTo("fake");
        assertThat(events.next()).isEqualTo("connected resumed=false");
        node.broadcast(new CapabilityChange(Capability.maskOf(EnumSet.of(Capability.MESSAGES))));
        assertThat(events.next()).isEqualTo("capabilitiesChanged node=fake");
        assertThat(client.session().nodeName()).isEqualTo("fake");
    }

    @Test
    void givesUpAfterTheLastAttemptWithReconnectFailed() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.stopListening();
        lose(node);
        for (int n = 1; n <= 4; n++) {
            assertThat(events.next()).startsWith("reconnecting " + n + " ");
        }
        assertThat(events.next()).isEqualTo("reconnectFailed RECONNECT_FAILED");
        assertThat(client.state()).isEqualTo(ClientState.FAILED);
        assertThat(events.lastFailure.getCause()).isInstanceOf(AldisException.class);
    }

    @Test
    void backoffDelaysReportedToTheListenerFollowThePolicy() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.stopListening();
        node.dropAll();
        events.next();
        List<String> delays = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            delays.add(events.next());
        }
        assertThat(delays).containsExactly("reconnecting 1 PT0.01S", "reconnecting 2 PT0.02S",
                "reconnecting 3 PT0.04S", "reconnecting 4 PT0.04S");
    }

    @Test
    void authFailedWhileReconnectingStopsAtOnce() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.validTokens.clear();
        node.password = "changed";
        lose(node);
        assertThat(events.next()).startsWith("reconnecting 1 ");
        assertThat(events.next()).isEqualTo("reconnectFailed RECONNECT_FAILED");
        assertThat(((AldisException) events.lastFailure.getCause()).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(client.state()).isEqualTo(ClientState.FAILED);
        assertThat(node.connects.get()).isEqualTo(2);
    }

    @Test
    void noReconnectWithPolicyNone() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), ReconnectPolicy.none());
        get(client.connect());
        events.next();
        lose(node);
        // A later event would be a reconnect; closing flushes the callback queue deterministically.
        get(client.close());
        assertThat(events.now()).isEqualTo("nothing");
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(node.connects.get()).isEqualTo(1);
    }

    @Test
    void initialConnectRetriesWhenAskedTo() throws Exception {
        int port = freePort();
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", port)
                .credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 100))
                .retryInitialConnect(true)
                .listener(events)
                .build();
        cleanup.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
        CompletableFuture<AldisClient> connected = client.connect();
        assertThat(events.next()).startsWith("reconnecting 1 ");
        FakeNode node = new FakeNode().start(port);
        cleanup.add(node);
        assertThat(get(connected)).isSameAs(client);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void framesNotConsumedByTheClientReachFrameHandlers() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        client.onFrame(frames::add);
        get(client.connect());
        // Request id the client is not waiting for: the node's answer is unsolicited.
        get(client.send(new Ack(777, "x")));
        assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo(new Ack(777, "answer"));
    }

    @Test
    void pausedClientQueuesUntilResume() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.broadcast(Pause.INSTANCE);
        assertThat(events.next()).isEqualTo("paused");
        assertThat(client.paused()).isTrue();
        CompletableFuture<Void> queued = client.send(new Ack(0, "queued"));
        node.broadcast(Resume.INSTANCE);
        assertThat(events.next()).isEqualTo("resumed");
        get(queued);
        assertThat(node.await(Ack.class).json()).isEqualTo("queued");
        assertThat(client.paused()).isFalse();
    }

    @Test
    void connectionLevelErrorsReachTheListener() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(), FAST);
        get(client.connect());
        events.next();
        node.broadcast(ErrorFrame.of(0, ErrorCode.RATE_LIMITED, "slow down"));
        assertThat(events.next()).isEqualTo("error RATE_LIMITED");
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void closeWhileWaitingToReconnectCancelsTheReconnect() throws Exception {
        FakeNode node = node();
        AldisClient client = client(node.port(),
                ReconnectPolicy.exponential(Duration.ofMinutes(5), Duration.ofMinutes(5), 3));
        get(client.connect());
        events.next();
        lose(node);
        assertThat(events.next()).isEqualTo("reconnecting 1 PT5M");
        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);
        get(client.close());
        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(events.now()).isEqualTo("nothing");
        assertThat(node.connects.get()).isEqualTo(1);
    }

    @Test
    void theFirstConnectTriesEachAddressInTurn() throws Exception {
        FakeNode node = node();
        AldisClient client = clientOf(ReconnectPolicy.none(), "127.0.0.1:" + freePort(), "127.0.0.1:" + node.port());
        get(client.connect());
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(node.connects.get()).isEqualTo(1);
    }

    @Test
    void theFirstConnectFailsOnlyOnceEveryAddressFailed() throws Exception {
        AldisClient client = clientOf(ReconnectPolicy.none(), "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
        AldisException e = failure(client.connect());
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(client.state()).isEqualTo(ClientState.FAILED);
    }

    @Test
    void aLostConnectionResumesThroughTheNextAddress() throws Exception {
        FakeNode first = node();
        FakeNode second = node();
        connectedClientOf(FAST, "127.0.0.1:" + first.port(), "127.0.0.1:" + second.port());
        // Both nodes know the token, as the nodes of a cluster do.
        second.validTokens.addAll(first.validTokens);
        lose(first);
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        assertThat(second.await(Connect.class).resumeToken()).isEqualTo("token-1");
        assertThat(second.connects.get()).isEqualTo(1);
        assertThat(first.connects.get()).isEqualTo(1);
    }

    @Test
    void aLostConnectionTriesEveryOtherAddressAtOnceBeforeItWaits() throws Exception {
        FakeNode a = node();
        FakeNode c = node();
        AldisClient client = connectedClientOf(SETTLED, "127.0.0.1:" + a.port(), "127.0.0.1:" + freePort(),
                "127.0.0.1:" + c.port());
        shareTokens(a, c);
        lose(a);
        assertThat(events.next()).as("past the address where no node listens, on c, without a wait")
                .isEqualTo("reconnected resumed=true");
        assertThat(c.await(Connect.class).resumeToken()).isEqualTo("token-1");
        assertThat(client.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void theClientWaitsItsDelayOnlyWhenNoOtherAddressAnswers() throws Exception {
        FakeNode a = node();
        connectedClientOf(SETTLED, "127.0.0.1:" + a.port(), "127.0.0.1:" + freePort(),
                "127.0.0.1:" + freePort());
        a.stopListening();
        lose(a);
        assertThat(events.next()).as("both others tried and refused: the first attempt that waits")
                .isEqualTo("reconnecting 1 PT0.2S");
        assertThat(events.next()).isEqualTo("reconnectFailed RECONNECT_FAILED");
        assertThat(a.connects.get()).as("the node that dropped the connection was not dialled at once").isEqualTo(1);
    }

    @Test
    void aSecondLossWithinTheFirstDelayWaitsItWhateverTheOtherAddresses() throws Exception {
        // Nodes that take the session and drop it again must not have the client back at once, in a loop.
        FakeNode a = node();
        FakeNode b = node();
        ReconnectPolicy slow = ReconnectPolicy.exponential(Duration.ofHours(1), Duration.ofHours(1), 1);
        AldisClient client = connectedClientOf(slow, "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port());
        shareTokens(a, b);
        lose(a);
        assertThat(events.next()).as("on b at once").isEqualTo("reconnected resumed=true");
        lose(b); // within the hour
        assertThat(events.next()).isEqualTo("reconnecting 1 PT1H");
        assertThat(a.connects.get()).as("a not dialled again").isEqualTo(1);
    }

    @Test
    void anAddressInUseThatANewListDroppedLeavesEveryListedOneToTryAtOnce() throws Exception {
        FakeNode a = node();
        FakeNode b = node();
        FakeNode c = node();
        AldisClient client = connectedClientOf(SETTLED, "127.0.0.1:" + a.port());
        a.broadcast(new NodeAddresses(List.of(address(b))));
        awaitKnown(client, a.port(), b.port());
        shareTokens(a, b, c);
        lose(a);
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        // On b, whose list names c but not b: known are a and c, and neither is the node in use.
        b.broadcast(new NodeAddresses(List.of(address(c))));
        awaitKnown(client, a.port(), c.port());
        a.stopListening();
        aFirstDelayLater(SETTLED);
        lose(b);
        assertThat(events.next()).as("a refused, then c, both at once").isEqualTo("reconnected resumed=true");
        assertThat(c.connects.get()).isEqualTo(1);
    }

    @Test
    void aConnectAfterFailedStartsAgainAtTheFirstAddress() throws Exception {
        int firstPort = freePort();
        FakeNode second = node();
        AldisClient client = clientOf(ReconnectPolicy.none(), "127.0.0.1:" + firstPort, "127.0.0.1:" + second.port());
        get(client.connect()); // the first address has no node yet: connected through the second
        assertThat(events.next()).isEqualTo("connected resumed=false");
        lose(second);
        assertThat(client.state()).isEqualTo(ClientState.FAILED);

        FakeNode first = new FakeNode().start(firstPort);
        cleanup.add(first);
        get(client.connect());
        assertThat(first.connects.get()).as("the addresses are tried in the order given").isEqualTo(1);
        assertThat(second.connects.get()).isEqualTo(1);
    }

    @Test
    void learnsTheOtherNodesFromItsNodeAndResumesThroughOneOfThem() throws Exception {
        FakeNode first = node();
        FakeNode second = node();
        AldisClient client = connectedClientOf(FAST, "127.0.0.1:" + first.port());
        assertThat(first.await(Connect.class).capabilities() & Capability.NODE_ADDRESSES.mask())
                .as("the client asks for the addresses").isNotZero();
        // Its own node, one it cannot dial (WebSocket, TLS without TLS set up), junk, and a second node.
        first.broadcast(new NodeAddresses(List.of("tcp://127.0.0.1:" + first.port(), "ws://127.0.0.1:9/aldis",
                "tcps://127.0.0.1:8", "tcp://", "tcp://127.0.0.1:" + second.port())));
        awaitKnown(client, List.of("127.0.0.1:" + first.port(), "127.0.0.1:" + second.port()));

        second.validTokens.addAll(first.validTokens);
        lose(first);
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        assertThat(second.await(Connect.class).resumeToken()).isEqualTo("token-1");
    }

    @Test
    void aNewListReplacesTheLearnedAddressesButNeverTheGivenOnes() throws Exception {
        FakeNode first = node();
        AldisClient client = clientOf(FAST, "127.0.0.1:" + first.port());
        get(client.connect());
        first.broadcast(new NodeAddresses(List.of("tcp://10.0.0.1:7440", "tcp://[::1]:7441")));
        awaitKnown(client, List.of("127.0.0.1:" + first.port(), "10.0.0.1:7440", "[::1]:7441"));
        first.broadcast(new NodeAddresses(List.of("tcp://10.0.0.2:7440")));
        awaitKnown(client, List.of("127.0.0.1:" + first.port(), "10.0.0.2:7440"));
        first.broadcast(new NodeAddresses(List.of()));
        awaitKnown(client, List.of("127.0.0.1:" + first.port()));
    }

    @Test
    void theNodeItIsConnectedToIsNotLearnedAgainUnderItsIpAddress() throws Exception {
        FakeNode first = node();
        FakeNode second = node();
        AldisClient client = clientOf(FAST, "localhost:" + first.port());
        get(client.connect());
        // The node lists itself first, by the IP address the client's connection goes to.
        first.broadcast(new NodeAddresses(List.of("tcp://127.0.0.1:" + first.port(), "tcp://127.0.0.1:" + second.port())));
        awaitKnown(client, List.of("localhost:" + first.port(), "127.0.0.1:" + second.port()));
    }

    @Test
    void aNewListThatMovesTheAddressInUseLeavesTheRotationGoingOnFromIt() throws Exception {
        FakeNode a = node();
        FakeNode b = node();
        FakeNode c = node();
        AldisClient client = connectedClientOf(FAST, "127.0.0.1:" + a.port());
        a.broadcast(new NodeAddresses(List.of(address(b), address(c))));
        awaitKnown(client, a.port(), b.port(), c.port());
        shareTokens(a, b, c);
        lose(a);
        assertThat(events.next()).as("on b, the next address").isEqualTo("reconnected resumed=true");

        // b now lists c before itself: after b comes a (round the list), not c (b's old place + 1).
        b.broadcast(new NodeAddresses(List.of(address(c), address(b))));
        awaitKnown(client, a.port(), c.port(), b.port());
        aFirstDelayLater(FAST);
        lose(b);
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        assertThat(a.connects.get()).as("back on a").isEqualTo(2);
        assertThat(c.connects.get()).isZero();
    }

    @Test
    void aNewListThatDropsTheAddressInUseStartsTheRotationAgainFromTheFirst() throws Exception {
        FakeNode a = node();
        FakeNode b = node();
        FakeNode c = node();
        AldisClient client = connectedClientOf(FAST, "127.0.0.1:" + a.port());
        a.broadcast(new NodeAddresses(List.of(address(b), address(c))));
        awaitKnown(client, a.port(), b.port(), c.port());
        shareTokens(a, b, c);
        lose(a);
        assertThat(events.next()).as("on b, the next address").isEqualTo("reconnected resumed=true");

        // b's list no longer holds b: the next attempt goes to the first address, a, not to c.
        b.broadcast(new NodeAddresses(List.of(address(c))));
        awaitKnown(client, a.port(), c.port());
        aFirstDelayLater(FAST);
        lose(b);
        assertThat(events.next()).isEqualTo("reconnected resumed=true");
        assertThat(a.connects.get()).as("back on a").isEqualTo(2);
        assertThat(c.connects.get()).isZero();
    }

    /**
     * Lets the policy's first delay pass since the last round of tries at once: a client makes
     * one such round per first delay at the most.
     */
    private static void aFirstDelayLater(ReconnectPolicy policy) throws InterruptedException {
        Thread.sleep(policy.initialDelay().toMillis() + 50);
    }

    /** Cuts the client's connections to {@code node}, as a dead node does, and sees the client notice. */
    private void lose(FakeNode node) throws InterruptedException {
        node.dropAll();
        assertThat(events.next()).isEqualTo("disconnected CONNECTION_LOST");
    }

    private static String address(FakeNode node) {
        return "tcp://127.0.0.1:" + node.port();
    }

    /** Every node accepts the tokens the first issued, as the nodes of a cluster share them. */
    private static void shareTokens(FakeNode first, FakeNode... others) {
        for (FakeNode other : others) {
            other.validTokens.addAll(first.validTokens);
        }
    }

    private static void awaitKnown(AldisClient client, int... ports) throws InterruptedException {
        List<String> expected = new java.util.ArrayList<>();
        for (int port : ports) {
            expected.add("127.0.0.1:" + port);
        }
        awaitKnown(client, expected);
    }

    private static void awaitKnown(AldisClient client, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!client.knownAddresses().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(client.knownAddresses()).isEqualTo(expected);
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> AldisClient.builder().addresses()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> AldisClient.builder().addresses("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1'");
        assertThatThrownBy(() -> AldisClient.builder().addresses("h:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().addresses("h:70000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().addresses(":7440")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().address("h", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().mechanism("MD5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().maxQueuedWhilePaused(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AldisClient.builder().idleSpin(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Listener that records the reconnect attempts with their cause, through the method that has it. */
    static final class Causes implements ConnectionListener {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        String next() throws InterruptedException {
            String e = queue.poll(10, TimeUnit.SECONDS);
            return e == null ? "nothing" : e;
        }

        @Override
        public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
            queue.add("reconnecting " + attempt + " " + lost.code() + " " + lost.message());
        }
    }

    /** Listener that turns events into strings, in order. */
    static final class Events implements ConnectionListener {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        volatile AldisException lastFailure;
        volatile DisconnectReason lastReason;

        /** The event already delivered, if any, without waiting. */
        String now() {
            String e = queue.poll();
            return e == null ? "nothing" : e;
        }

        /** The next event, or "nothing" if none came within a long while. */
        String next() throws InterruptedException {
            String e = queue.poll(10, TimeUnit.SECONDS);
            return e == null ? "nothing" : e;
        }

        @Override
        public void connected(SessionInfo session) {
            queue.add("connected resumed=" + session.resumed());
        }

        @Override
        public void disconnected(DisconnectReason reason) {
            lastReason = reason;
            queue.add("disconnected " + reason.code());
        }

        @Override
        public void capabilitiesChanged(SessionInfo session) {
            queue.add("capabilitiesChanged node=" + session.nodeName());
        }

        @Override
        public void reconnecting(int attempt, Duration delay) {
            queue.add("reconnecting " + attempt + " " + delay);
        }

        @Override
        public void reconnected(SessionInfo session) {
            queue.add("reconnected resumed=" + session.resumed());
        }

        @Override
        public void paused() {
            queue.add("paused");
        }

        @Override
        public void resumed() {
            queue.add("resumed");
        }

        @Override
        public void error(ErrorFrame error) {
            queue.add("error " + error.errorCode());
        }

        @Override
        public void reconnectFailed(AldisException cause) {
            lastFailure = cause;
            queue.add("reconnectFailed " + cause.code());
        }
    }
}
