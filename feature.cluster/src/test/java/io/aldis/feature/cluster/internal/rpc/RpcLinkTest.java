package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.feature.cluster.internal.ClusterView;
import io.aldis.feature.cluster.internal.links.DataPath;
import io.aldis.feature.cluster.internal.membership.HazelcastMember;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamedAnswer;
import io.aldis.feature.rpc.spi.StreamingPeer;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RPC's link between two real Hazelcast members on loopback, with {@link HeldCalls} standing for
 * each node's RPC: what the calling node and the serving node tell each other when either unlinks
 * RPC while a call runs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RpcLinkTest {
    private static final String SECRET = "rpc-between-two-members";
    private static final long WAIT_SECONDS = 30;
    private static ClusterEngine caller;
    private static ClusterEngine server;
    private static int serverPort;
    private final HeldCalls callerRpc = new HeldCalls(Map.of());
    private final HeldCalls serverRpc = new HeldCalls(Map.of("hold", 0));

    @BeforeAll
    static void twoMembers() throws Exception {
        int portOne = freePort();
        int portTwo = freePort();
        serverPort = portTwo;
        CompletableFuture<ClusterEngine> first = CompletableFuture.supplyAsync(() -> ClusterEngine.start(
                new ClusterSettings("rpc-link", SECRET, List.of("127.0.0.1:" + portTwo), "127.0.0.1", portOne, "caller", 5),
                () -> null));
        server = ClusterEngine.start(
                new ClusterSettings("rpc-link", SECRET, List.of("127.0.0.1:" + portOne), "127.0.0.1", portTwo, "server", 5),
                () -> null);
        caller = first.get(2, TimeUnit.MINUTES);
        await("two members", () -> caller.members().size() == 2 && server.members().size() == 2);
    }

    @AfterAll
    static void stop() {
        for (ClusterEngine e : new ClusterEngine[] {caller, server}) {
            if (e != null) {
                e.close();
            }
        }
    }

    @AfterEach
    void unlink() {
        caller.unlinkRpc();
        server.unlinkRpc();
    }

    @Test
    void theCallingNodeUnlinkingCancelsItsCallsOnTheServingNode() throws Exception {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        callHeld(answer);
        caller.unlinkRpc();
        assertThat(answer.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        await("the call cancelled on the serving node", () -> serverRpc.calls.get(0).cancelled);
    }

    @Test
    void theServingNodeUnlinkingAnswersItsCallsProviderGoneAndNothingElse() throws Exception {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        callHeld(answer);
        server.unlinkRpc();
        assertThat(answer.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        assertThat(serverRpc.calls.get(0).cancelled).isTrue();
    }

    @Test
    void aCallThatReachesANodeWhoseRpcIsUnlinkedIsAnsweredMethodNotFound() throws Exception {
        callHeld(new CompletableFuture<>());
        RemoteCalls.Peer stale = caller.linkRpc(callerRpc).choose("hold", -1);
        assertThat(stale).isNotNull();
        server.unlinkRpc();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        stale.send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0, codeInto(answer));
        assertThat(answer.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
    }

    @Test
    void whenTheLinkBetweenTheNodesBreaksTheirCallsEndOnBothSidesAndLaterCallsGoThrough() throws Exception {
        RemoteCalls remote = caller.linkRpc(callerRpc);
        RemoteCalls served = server.linkRpc(serverRpc);
        await("the server's announcement", () -> remote.choose("hold", -1) != null);
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        remote.choose("hold", -1).send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0, codeInto(answer));
        await("the call held on the serving node", () -> serverRpc.calls.size() == 1);

        // Each node hears of the broken link from its own side.
        ((ClusterCalls) remote).linkLost(localId(server));
        ((ClusterCalls) served).linkLost(localId(caller));
        assertThat(answer).isCompletedWithValue(ErrorCode.PROVIDER_GONE.code());
        assertThat(((ClusterCalls) remote).waitingCalls()).isZero();
        assertThat(serverRpc.calls.get(0).cancelled).isTrue();

        // The member is still there: the next call goes to it.
        CompletableFuture<Integer> next = new CompletableFuture<>();
        remote.choose("hold", -1).send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0, codeInto(next));
        await("the next call held on the serving node", () -> serverRpc.calls.size() == 2);
    }

    @Test
    void aMemberSeenLeavingDuringASplitIsServedAgainOnceItIsBack() throws Exception {
        RemoteCalls remote = caller.linkRpc(callerRpc);
        RemoteCalls served = server.linkRpc(serverRpc);
        await("the server's announcement", () -> remote.choose("hold", -1) != null);
        // The serving node saw the calling node leave (a split) and, with the same id, come back.
        ((ClusterCalls) served).memberLeft(localId(caller));
        ((ClusterCalls) served).memberJoined(localId(caller));
        remote.choose("hold", -1).send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0,
                codeInto(new CompletableFuture<>()));
        await("the call held on the serving node", () -> serverRpc.calls.size() == 1);
    }

    /** The serving node's side of an answered call whose items still wait for the caller's credit. */
    private record HeldStream(ClusterCalls served, CompletableFuture<Void> itemsCancelled) {
    }

    private HeldStream answeredStreamHeldOnTheServingNode() throws Exception {
        // As RPC after the call's answer: cancelling it does nothing more.
        serverRpc.answersWhenCancelled = false;
        RemoteCalls remote = caller.linkRpc(callerRpc);
        RemoteCalls served = server.linkRpc(serverRpc);
        await("the server's announcement", () -> remote.choose("hold", -1) != null);
        ((StreamingPeer) remote.choose("hold", -1)).send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0,
                new StalledCaller());
        await("the call held on the serving node", () -> serverRpc.calls.size() == 1);
        HeldCalls.Held held = serverRpc.calls.get(0);
        CallStream stream = held.streams.open(new StreamSpec("hold.on", StreamDirection.CALLEE_TO_CALLER,
                CreditMode.BYTES, null, 0), new CallStreamListener() {
                    @Override
                    public void ended() {
                    }

                    @Override
                    public void failed(int code, String message) {
                    }
                });
        CompletableFuture<Void> itemsCancelled = new CompletableFuture<>();
        stream.send(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                itemsCancelled.complete(null);
            }
        }));
        // The work answered while its items wait for the caller's credit, as a relayed provider's may.
        stream.answer(new RpcResponse(1, "null".getBytes(StandardCharsets.UTF_8)));
        stream.close(0, "");
        assertThat(((ClusterCalls) served).servedStreams()).isOne();
        return new HeldStream((ClusterCalls) served, itemsCancelled);
    }

    @Test
    void aBrokenLinkStopsTheItemsTheServingNodeStillHeldForACallAlreadyAnswered() throws Exception {
        HeldStream held = answeredStreamHeldOnTheServingNode();
        held.served().linkLost(localId(caller));
        assertThat(held.served().servedStreams()).isZero();
        assertThat(held.itemsCancelled()).as("the items held for the caller are stopped").isDone();
    }

    @Test
    void unlinkingRpcStopsTheItemsTheServingNodeStillHeldForACallAlreadyAnswered() throws Exception {
        HeldStream held = answeredStreamHeldOnTheServingNode();
        server.unlinkRpc();
        assertThat(held.served().servedStreams()).isZero();
        assertThat(held.itemsCancelled()).as("the items held for the caller are stopped").isDone();
    }

    /** A caller whose stream opens and takes nothing. */
    private static final class StalledCaller implements StreamedAnswer {
        @Override
        public CallStream opened(StreamSpec spec) {
            return new CallStream() {
                @Override
                public long streamId() {
                    return 2;
                }

                @Override
                public void send(Flow.Publisher<byte[]> items) {
                    items.subscribe(new Flow.Subscriber<byte[]>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                        }

                        @Override
                        public void onNext(byte[] item) {
                        }

                        @Override
                        public void onError(Throwable failure) {
                        }

                        @Override
                        public void onComplete() {
                        }
                    });
                }

                @Override
                public Flow.Publisher<byte[]> received() {
                    throw new IllegalStateException("direction 1");
                }

                @Override
                public void answer(Frame answer) {
                }

                @Override
                public void close(int code, String message) {
                }
            };
        }

        @Override
        public void result(byte[] json) {
        }

        @Override
        public void error(int code, String message, String details) {
        }
    }

    @Test
    void aCallCancelledOnTheCallingNodeWaitsForNoAnswer() throws Exception {
        serverRpc.answersWhenCancelled = false;
        RemoteCalls remote = caller.linkRpc(callerRpc);
        server.linkRpc(serverRpc);
        await("the server's announcement", () -> remote.choose("hold", -1) != null);
        RunningCall running = remote.choose("hold", -1).send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0,
                codeInto(new CompletableFuture<>()));
        await("the call held on the serving node", () -> serverRpc.calls.size() == 1);
        assertThat(((ClusterCalls) remote).waitingCalls()).isEqualTo(1);
        running.cancel();
        assertThat(((ClusterCalls) remote).waitingCalls()).isZero();
        await("the call cancelled on the serving node", () -> serverRpc.calls.get(0).cancelled);
    }

    @Test
    void aCallToANodeChosenJustBeforeItLeftFailsWithProviderGoneAtOnce() throws Exception {
        RemoteCalls remote = caller.linkRpc(callerRpc);
        server.linkRpc(serverRpc);
        await("the server's announcement", () -> remote.choose("hold", -1) != null);
        RemoteCalls.Peer chosen = remote.choose("hold", -1);
        // The member leaves (as far as the calling node knows) after the choice, before the send.
        ((ClusterCalls) remote).memberLeft(localId(server));
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        chosen.send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0, codeInto(answer));
        assertThat(answer).isCompletedWithValue(ErrorCode.PROVIDER_GONE.code());
        assertThat(((ClusterCalls) remote).waitingCalls()).isZero();
    }

    @Test
    void aCallTheServingNodeCannotReadIsAnsweredInternalErrorWhenItsIdCanBeRead() throws Exception {
        server.linkRpc(serverRpc);
        // A bare member stands for a node of a later version, whose calls this one cannot decode.
        HazelcastInstance later = HazelcastMember.start(new ClusterSettings("rpc-link", SECRET,
                List.of("127.0.0.1:" + serverPort), "127.0.0.1", freePort(), "later", 5), null);
        try {
            await("three members", () -> server.members().size() == 3);
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            String laterId = later.getCluster().getLocalMember().getUuid().toString();
            later.<byte[]>getTopic(DataPath.rpcTopic(laterId)).addMessageListener(m -> answer.complete(m.getMessageObject()));
            byte[] call = RpcMessage.call(42, 0, "hold.on", "[]".getBytes(StandardCharsets.UTF_8)).encode();
            call[0] = 9; // a version the serving node does not know
            later.<byte[]>getTopic(DataPath.rpcTopic(localId(server))).publish(call);

            RpcMessage reply = RpcMessage.decode(answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertThat(reply.kind()).isEqualTo(RpcMessage.Kind.ERROR);
            assertThat(reply.callId()).isEqualTo(42);
            assertThat(reply.code()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
            assertThat(serverRpc.calls).isEmpty();
        } finally {
            later.shutdown();
        }
        await("two members again", () -> server.members().size() == 2 && caller.members().size() == 2);
    }

    @Test
    void aClientHereThatProvidesANameAnotherNodeExportsDoesNotServeIt() throws Exception {
        // This node's client provides hold, idle; the other node exports hold, with 2 calls in flight.
        RemoteCalls remote = caller.linkRpc(new HeldCalls(Map.of("hold", 0), Set.of()));
        server.linkRpc(new HeldCalls(Map.of("hold", 2)));
        await("the server's announcement", () -> caller.rpcServices().values().stream().anyMatch(s -> s.containsKey("hold")));
        RemoteCalls.Peer chosen = remote.choose("hold", 0);
        assertThat(chosen).isNotNull();
        assertThat(chosen.name()).isEqualTo("server");
    }

    private static String localId(ClusterEngine engine) {
        return engine.members().stream().filter(ClusterView.MemberView::local).findFirst().orElseThrow().id();
    }

    /** Links both nodes, sends a call of {@code hold.on} from the caller and waits until it is held on the server. */
    private void callHeld(CompletableFuture<Integer> answer) throws InterruptedException {
        RemoteCalls remote = caller.linkRpc(callerRpc);
        server.linkRpc(serverRpc);
        Supplier<RemoteCalls.Peer> peer = () -> remote.choose("hold", -1);
        await("the server's announcement", () -> peer.get() != null);
        peer.get().send("hold.on", "[]".getBytes(StandardCharsets.UTF_8), 0, codeInto(answer));
        await("the call held on the serving node", () -> serverRpc.calls.size() == 1);
    }

    private static CallAnswer codeInto(CompletableFuture<Integer> into) {
        return new CallAnswer() {
            @Override
            public void result(byte[] json) {
                into.complete(0);
            }

            @Override
            public void error(int code, String message, String details) {
                into.complete(code);
            }
        };
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + WAIT_SECONDS + " s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
