package io.aldis.feature.rpc.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What RPC asks of the bundle that links nodes and what it does with the answers: permissions are
 * checked before another node is asked, a call no service here serves goes to the node chosen with
 * its deadline, its answer and its cancel cross back and forth, the calls in flight here are what
 * the choice is made with, and a call from another node is never sent on.
 */
class RemoteCallsRoutingTest {
    /** Permits everything but calls of {@code secret.*}. */
    private final Authorizer noSecrets = new Authorizer() {
        @Override
        public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
            return !resource.startsWith("secret.");
        }

        @Override
        public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
            return !pattern.startsWith("secret.");
        }
    };
    private final RpcEngine engine = new RpcEngine(RpcSettings.defaults(), () -> noSecrets, () -> null);
    private final OtherNode other = new OtherNode();

    public interface Greeter {
        String greet(String name);
    }

    public interface Holder {
        String hold() throws InterruptedException;
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aCallTheCallerMayNotMakeIsRefusedBeforeAnyOtherNodeIsAsked() throws Exception {
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(1, 0, "secret.read", utf8("[]")));
        assertThat(caller.next(RpcError.class).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        assertThat(other.asked).isEmpty();
    }

    @Test
    void aServiceServedOnlyElsewhereIsCalledThereWithTheDeadlineAndItsAnswerComesBack() throws Exception {
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(1, 5_000, "far.away", utf8("[1]")));

        Sent sent = other.sent.get(0);
        assertThat(other.asked).containsExactly("far/-1");
        assertThat(sent.method).isEqualTo("far.away");
        assertThat(sent.timeoutMillis).isBetween(1, 5_000);
        sent.answer.result(utf8("\"done\""));
        RpcResponse response = caller.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(1);
        assertThat(new String(response.result(), StandardCharsets.UTF_8)).isEqualTo("\"done\"");
    }

    @Test
    void aCancelOfACallSentElsewhereAnswersCancelledAndCancelsItThere() throws Exception {
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(1, 0, "far.away", utf8("[]")));
        engine.cancel(caller, new RpcCancel(1));
        assertThat(caller.next(RpcError.class).code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(other.cancelled.get()).isEqualTo(1);
        // A late answer from the other node is dropped: the call was answered once.
        other.sent.get(0).answer.result(utf8("1"));
        assertThat(caller.pending()).isEmpty();
    }

    @Test
    void theCallsInFlightHereAreWhatTheChoiceIsMadeWithAndNoneElsewhereKeepsTheCallHere() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        engine.addService((Holder) () -> {
            release.await();
            return "released";
        }, Map.of("aldis.rpc.service", "holder"), "test");
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(1, 0, "holder.hold", utf8("[]")));
        awaitInFlight("holder", 1);
        engine.call(caller, new RpcRequest(2, 0, "holder.hold", utf8("[]")));
        assertThat(other.asked).containsExactly("holder/0", "holder/1");
        release.countDown();
        assertThat(new String(caller.next(RpcResponse.class).result(), StandardCharsets.UTF_8)).isEqualTo("\"released\"");
        assertThat(new String(caller.next(RpcResponse.class).result(), StandardCharsets.UTF_8)).isEqualTo("\"released\"");
        awaitInFlight("holder", 0);
    }

    @Test
    void aCallFromAnotherNodeStopsWhenTheDeadlineItBringsPasses() throws Exception {
        engine.addService((Holder) () -> {
            new CountDownLatch(1).await();
            return "never";
        }, Map.of("aldis.rpc.service", "holder"), "test");
        CompletableFuture<String> answer = new CompletableFuture<>();
        engine.localCalls().run("holder.hold", utf8("[]"), 50, answerInto(answer));
        assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("error " + ErrorCode.DEADLINE_EXCEEDED.code());
        awaitInFlight("holder", 0);
    }

    /** Waits until RPC counts {@code n} calls of {@code service} in flight here. */
    private void awaitInFlight(String service, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.localCalls().services().getOrDefault(service, -1) != n) {
            assertThat(System.nanoTime()).as(n + " call(s) of " + service + " in flight within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aCallThatTakesStreamsStaysHereWhenThisNodeServesIt() throws Exception {
        engine.addService((Greeter) name -> "hello " + name, Map.of("aldis.rpc.service", "greeter"), "test");
        other.alwaysBusier = false;
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(true, 1, 0, "greeter.greet", utf8("[\"s\"]")));
        assertThat(new String(caller.next(RpcResponse.class).result(), StandardCharsets.UTF_8)).isEqualTo("\"hello s\"");
        assertThat(other.asked).isEmpty();
        // Without streams the same call goes to the other node, which this one claims is less busy.
        engine.call(caller, new RpcRequest(2, 0, "greeter.greet", utf8("[\"t\"]")));
        assertThat(other.sent).hasSize(1);
    }

    @Test
    void aCallFromAnotherNodeIsServedHereOrRefusedButNeverSentOn() throws Exception {
        engine.addService((Greeter) name -> "hello " + name, Map.of("aldis.rpc.service", "greeter"), "test");
        engine.remoteCalls(other);
        CompletableFuture<String> served = new CompletableFuture<>();
        engine.localCalls().run("greeter.greet", utf8("[\"peer\"]"), 1_000, answerInto(served));
        assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("\"hello peer\"");

        CompletableFuture<String> unknown = new CompletableFuture<>();
        engine.localCalls().run("far.away", utf8("[]"), 1_000, answerInto(unknown));
        assertThat(unknown.get(10, TimeUnit.SECONDS)).isEqualTo("error " + ErrorCode.METHOD_NOT_FOUND.code());
        assertThat(other.asked).isEmpty();
    }

    @Test
    void callsSentToAnotherNodeTakeNoneOfThisNodesSlotsOfTheMethod() throws Exception {
        RpcSettings oneAtATime = new RpcSettings(2, 0, 16, 64, 1, false, 0, 0);
        RpcEngine limited = new RpcEngine(oneAtATime, () -> noSecrets, () -> null);
        try {
            limited.addService((Greeter) name -> "hello " + name, Map.of("aldis.rpc.service", "greeter"), "test");
            limited.remoteCalls(other);
            RecordingSession caller = new RecordingSession("alice");
            limited.call(caller, new RpcRequest(1, 0, "far.away", utf8("[]")));
            limited.call(caller, new RpcRequest(2, 0, "far.away", utf8("[]")));
            assertThat(other.sent).hasSize(2);
            assertThat(caller.pending()).isEmpty();
            other.sent.get(0).answer.result(utf8("1"));
            assertThat(caller.next(RpcResponse.class).callId()).isEqualTo(1);
            // The call sent elsewhere is in this node's stats of the method all the same.
            assertThat(limited.registry().stats()).anySatisfy(s -> {
                assertThat(s.method()).isEqualTo("far.away");
                assertThat(s.calls()).isEqualTo(1);
            });
        } finally {
            limited.close();
        }
    }

    @Test
    void anAnswerFromAnotherNodeLargerThanTheCallersFrameFailsWithMessageTooLarge() throws Exception {
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        int maxFrame = caller.limits().maxFrameSize();
        engine.call(caller, new RpcRequest(1, 0, "far.away", utf8("[]")));
        engine.call(caller, new RpcRequest(2, 0, "far.away", utf8("[]")));
        other.sent.get(0).answer.result(new byte[maxFrame - 10 + 1]);
        RpcError tooLarge = caller.next(RpcError.class);
        assertThat(tooLarge.callId()).isEqualTo(1);
        assertThat(tooLarge.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code());
        assertThat(tooLarge.message()).contains("maxFrameSize");
        other.sent.get(1).answer.result(new byte[maxFrame - 10]);
        assertThat(caller.next(RpcResponse.class).callId()).isEqualTo(2);
    }

    @Test
    void aClientMayNotProvideANameAnOsgiServiceExportsOnAnotherNode() throws Exception {
        engine.addService((Greeter) name -> "hello " + name, Map.of("aldis.rpc.service", "greeter"), "test");
        assertThat(engine.localCalls().exportedServices()).containsExactly("greeter");
        other.exports = "gate";
        engine.remoteCalls(other);
        RecordingSession provider = new RecordingSession("bob");
        engine.provide(provider, new ServiceProvide(1, "gate", ""));
        ErrorFrame refused = provider.next(ErrorFrame.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(refused.requestId()).isEqualTo(1);
        engine.provide(provider, new ServiceProvide(2, "echo", ""));
        assertThat(provider.next(Ack.class).requestId()).isEqualTo(2);
        assertThat(engine.localCalls().exportedServices()).containsExactly("greeter");
        assertThat(engine.localCalls().services()).containsKeys("greeter", "echo");
    }

    private static CallAnswer answerInto(CompletableFuture<String> into) {
        return new CallAnswer() {
            @Override
            public void result(byte[] json) {
                into.complete(new String(json, StandardCharsets.UTF_8));
            }

            @Override
            public void error(int code, String message, String details) {
                into.complete("error " + code);
            }
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record Sent(String method, int timeoutMillis, CallAnswer answer) {
    }

    /** Stands for the link to other nodes: one other node that serves every service except those this node serves. */
    private static final class OtherNode implements RemoteCalls, RemoteCalls.Peer {
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger cancelled = new AtomicInteger();
        /** Whether it is always busier than this node when both serve a service; else always less busy. */
        volatile boolean alwaysBusier = true;
        /** The service it announces as exported by an OSGi service there, if any. */
        volatile String exports = "";

        @Override
        public boolean exportedElsewhere(String service) {
            return service.equals(exports);
        }

        @Override
        public Peer choose(String service, int localInFlight) {
            asked.add(service + "/" + localInFlight);
            return localInFlight >= 0 && alwaysBusier ? null : this;
        }

        @Override
        public String name() {
            return "other";
        }

        @Override
        public RunningCall send(String method, byte[] params, int timeoutMillis, CallAnswer answer) {
            sent.add(new Sent(method, timeoutMillis, answer));
            return cancelled::incrementAndGet;
        }
    }
}
