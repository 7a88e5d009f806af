package io.aldis.feature.rpc.internal.frames;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.spi.node.Session;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RpcFrameHandlerTest {
    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> answered = new CompletableFuture<>();

    private final RpcOperations operations = new RpcOperations() {
        @Override
        public void call(Session session, RpcRequest request) {
            steps.add("call " + request.callId());
        }

        @Override
        public void cancel(Session session, RpcCancel cancel) {
            steps.add("cancel " + cancel.callId());
        }

        @Override
        public void answer(Session session, RpcResponse response) {
            steps.add("answer " + response.callId());
        }

        @Override
        public void refuse(Session session, RpcError error) {
            steps.add("refuse " + error.callId());
        }

        @Override
        public void provide(Session session, ServiceProvide provide) {
            steps.add("provide " + provide.service());
        }

        @Override
        public void withdraw(Session session, ServiceWithdraw withdraw) {
            steps.add("withdraw " + withdraw.service());
        }

        @Override
        public void sessionOpened(Session session) {
            steps.add("opened");
        }

        @Override
        public CompletionStage<?> sessionClosing(Session session) {
            steps.add("closing");
            return answered;
        }

        @Override
        public void sessionClosed(Session session) {
            steps.add("closed");
        }
    };

    private final RpcFrameHandler handler = new RpcFrameHandler(operations);
    private final RecordingSession alice = new RecordingSession("alice");

    @Test
    void takesTheRpcFrameTypesAndNeverBlocks() {
        assertThat(handler.frameTypes()).containsExactlyInAnyOrder(FrameType.RPC_REQUEST, FrameType.RPC_RESPONSE,
                FrameType.RPC_ERROR, FrameType.RPC_CANCEL, FrameType.SERVICE_PROVIDE, FrameType.SERVICE_WITHDRAW);
        assertThat(handler.nonBlocking()).isTrue();
    }

    @Test
    void eachFrameGoesToItsStep() {
        handler.handle(alice, new RpcRequest(1, 0, "a.b", new byte[0]));
        handler.handle(alice, new RpcCancel(2));
        handler.handle(alice, new RpcResponse(3, new byte[] {'1'}));
        handler.handle(alice, new RpcError(4, -1, "no", ""));
        handler.handle(alice, new ServiceProvide(5, "echo", ""));
        handler.handle(alice, new ServiceWithdraw(6, "echo"));
        handler.handle(alice, new Ping(0));
        assertThat(steps).containsExactly("call 1", "cancel 2", "answer 3", "refuse 4", "provide echo", "withdraw echo");
    }

    @Test
    void sessionEventsGoToTheirStepsAndTheCloseWaitsForTheAnswers() {
        handler.sessionOpened(alice);
        CompletionStage<?> closing = handler.sessionClosing(alice);
        handler.sessionClosed(alice);
        assertThat(steps).containsExactly("opened", "closing", "closed");
        assertThat(closing.toCompletableFuture()).isNotDone();
        answered.complete(null);
        assertThat(closing.toCompletableFuture()).isDone();
    }
}
