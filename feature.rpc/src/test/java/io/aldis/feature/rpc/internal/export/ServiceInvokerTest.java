package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.SessionReply;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceInvokerTest {
    public interface Calc {
        int add(int a, int b);

        int fail(String how);

        CompletionStage<String> later(String text);

        void block() throws InterruptedException;

        String thread();

        String slowThread(long sleepMillis);

        String broad() throws Exception;
    }

    final CountDownLatch blocking = new CountDownLatch(1);
    final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

    final class CalcImpl implements Calc {
        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public int fail(String how) {
            if (how.equals("rpc")) {
                throw new RpcException(ErrorCode.BUSY.code(), "try later", "{\"retryAfterMillis\":5}");
            }
            throw new IllegalStateException("broken");
        }

        @Override
        public CompletionStage<String> later(String text) {
            return CompletableFuture.supplyAsync(() -> text + "!");
        }

        @Override
        public String thread() {
            return Thread.currentThread().getName();
        }

        @Override
        public String slowThread(long sleepMillis) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Thread.currentThread().getName();
        }

        @Override
        public String broad() {
            return Thread.currentThread().getName();
        }

        @Override
        public void block() {
            blocking.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        }
    }

    private final Calls calls = new Calls(() -> 256, () -> 0);
    /** Far above what a quick call takes on a busy machine, so where a call runs never depends on timing. */
    private static final int ON_LOOP_MICROS = 200_000;

    private final ServiceInvoker invoker = new ServiceInvoker(calls, 2, 16, 0, () -> true, () -> ON_LOOP_MICROS,
            call -> true, () -> null);
    private final ExportedService calc = ServiceExports.export(new CalcImpl(), Map.of(RpcConstants.SERVICE, "calc"), "b");
    private final RecordingSession alice = new RecordingSession("alice");

    @AfterEach
    void close() {
        calls.close();
        invoker.close();
    }

    private Call run(long id, String method, String params) {
        Call call = calls.open(alice, id, "calc." + method, params.getBytes(StandardCharsets.UTF_8), 0, false, 10,
                new SessionReply(alice));
        invoker.run(call, calc, calc.method(method));
        return call;
    }

    @Test
    void aMethodRunsOnAWorkerAndItsResultIsAnswered() throws Exception {
        run(1, "add", "[2, 3]");
        RpcResponse response = alice.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(1);
        assertThat(new String(response.result(), StandardCharsets.UTF_8)).isEqualTo("5");
        run(2, "later", "[\"hi\"]");
        assertThat(new String(alice.next(RpcResponse.class).result(), StandardCharsets.UTF_8)).isEqualTo("\"hi!\"");
    }

    @Test
    void failuresAreAnsweredInTheProtocolsTerms() throws Exception {
        run(3, "add", "[\"two\", 3]");
        RpcError invalid = alice.next(RpcError.class);
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(invalid.message()).isEqualTo("parameter 'a': expected an integer, got a string");
        assertThat(invalid.details()).contains("\"path\":\"a\"");

        run(4, "fail", "[\"rpc\"]");
        RpcError chosen = alice.next(RpcError.class);
        assertThat(chosen.code()).isEqualTo(ErrorCode.BUSY.code());
        assertThat(chosen.details()).isEqualTo("{\"retryAfterMillis\":5}");

        run(5, "fail", "[\"other\"]");
        RpcError other = alice.next(RpcError.class);
        assertThat(other.code()).isEqualTo(ErrorCode.SERVICE_ERROR.code());
        assertThat(other.message()).isEqualTo("broken");
        assertThat(other.details()).isEqualTo("{\"exception\":\"IllegalStateException\"}");
    }

    @Test
    void withdrawingTheServiceFailsItsRunningCallsAndInterruptsThem() throws Exception {
        Call call = run(6, "block", "[]");
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        invoker.withdraw(calc);
        RpcError gone = alice.next(RpcError.class);
        assertThat(gone.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        assertThat(gone.message()).isEqualTo("service calc was withdrawn");
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(call.isDone()).isTrue();

        run(7, "add", "[1, 1]");
        assertThat(alice.next(RpcError.class).code()).as("a call that still found it").isEqualTo(ErrorCode.PROVIDER_GONE.code());
    }

    private String threadOf(long id, ExportedService service, String method, String params) throws Exception {
        Call call = calls.open(alice, id, service.name() + "." + method, params.getBytes(StandardCharsets.UTF_8), 0,
                false, 10, new SessionReply(alice));
        invoker.run(call, service, service.method(method));
        String json = new String(alice.next(RpcResponse.class).result(), StandardCharsets.UTF_8);
        return json.substring(1, json.length() - 1);
    }

    @Test
    void aServiceThatSaysNothingRunsOnTheCallersThreadUntilACallKeepsItTooLong() throws Exception {
        String caller = Thread.currentThread().getName();
        assertThat(threadOf(10, calc, "thread", "[]")).isEqualTo(caller);
        assertThat(threadOf(11, calc, "slowThread", "[0]")).isEqualTo(caller);
        long pastTheLimit = TimeUnit.MICROSECONDS.toMillis(ON_LOOP_MICROS) + 50;
        assertThat(threadOf(12, calc, "slowThread", "[" + pastTheLimit + "]"))
                .as("nothing was known against it yet").isEqualTo(caller);
        assertThat(threadOf(16, calc, "slowThread", "[0]")).as("one call past the limit is forgiven")
                .isEqualTo(caller);
        assertThat(threadOf(17, calc, "slowThread", "[" + pastTheLimit + "]")).as("the second is not")
                .isEqualTo(caller);
        assertThat(threadOf(13, calc, "slowThread", "[0]")).as("from then on a worker runs it")
                .startsWith("aldis-rpc-");
        assertThat(threadOf(14, calc, "thread", "[]")).as("other methods stay").isEqualTo(caller);
    }

    @Test
    void aMethodThatDeclaresWaitingOrABroaderExceptionRunsOnAWorkerFromItsFirstCall() throws Exception {
        assertThat(calc.method("block").declaresWaiting).isTrue();
        assertThat(calc.method("broad").declaresWaiting).as("throws Exception").isTrue();
        assertThat(calc.method("thread").declaresWaiting).isFalse();
        assertThat(calc.method("later").declaresWaiting).isFalse();
        assertThat(threadOf(15, calc, "broad", "[]")).startsWith("aldis-rpc-");
    }

    @Test
    void theServicePropertyDecidesForEveryCallWhenSet() throws Exception {
        String caller = Thread.currentThread().getName();
        ExportedService workers = ServiceExports.export(new CalcImpl(), Map.of(RpcConstants.SERVICE, "w",
                RpcConstants.DIRECT, false), "b");
        assertThat(threadOf(20, workers, "thread", "[]")).startsWith("aldis-rpc-");
        ExportedService direct = ServiceExports.export(new CalcImpl(), Map.of(RpcConstants.SERVICE, "d",
                RpcConstants.DIRECT, "true"), "b");
        long pastTheLimit = TimeUnit.MICROSECONDS.toMillis(ON_LOOP_MICROS) + 50;
        assertThat(threadOf(21, direct, "slowThread", "[" + pastTheLimit + "]")).isEqualTo(caller);
        assertThat(threadOf(22, direct, "thread", "[]")).as("a direct service is not judged").isEqualTo(caller);
    }
}
