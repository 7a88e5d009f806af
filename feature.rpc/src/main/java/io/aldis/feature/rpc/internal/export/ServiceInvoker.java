package io.aldis.feature.rpc.internal.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs calls of exported services: on the caller's thread (the I/O thread that read the call) or
 * on a bounded pool of workers, decoding the parameters, invoking the method, and answering with its
 * result encoded as JSON or its failure in the protocol's terms; and withdraws a service, failing
 * the calls still running on it. Which thread runs a call is its service's {@link Placement}: a
 * service that says nothing leaves it to each method's {@link OnLoopPolicy}, so a method runs on
 * the caller's thread while its calls return promptly.
 */
public final class ServiceInvoker implements AutoCloseable {
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final Calls calls;
    private final WorkerPool workers;
    private final BooleanSupplier rejectUnknownFields;
    private final StreamedCalls streamed;
    private final IntSupplier methodOnLoopMicros;
    private final Predicate<Call> onCallersLoop;

    /**
     * @param methodOnLoopMicros the longest a call of a judged method may keep its connection's event loop
     * @param onCallersLoop      whether this thread is the event loop of the connection a call came on
     *                           ({@link #onConnectionsLoop}); only there may a judged method run inline
     * @param streams            the streaming feature's streams while it is installed, else null
     */
    public ServiceInvoker(Calls calls, int workerThreads, int queueCapacity, int spinMicros,
            BooleanSupplier rejectUnknownFields, IntSupplier methodOnLoopMicros, Predicate<Call> onCallersLoop,
            Supplier<CallStreams> streams) {
        this.calls = calls;
        this.rejectUnknownFields = rejectUnknownFields;
        this.methodOnLoopMicros = methodOnLoopMicros;
        this.onCallersLoop = onCallersLoop;
        this.streamed = new StreamedCalls(calls, streams);
        AtomicInteger threads = new AtomicInteger();
        this.workers = new WorkerPool(workerThreads, queueCapacity, 30, TimeUnit.SECONDS, r -> {
            Thread t = new Thread(r, "aldis-rpc-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.spinBeforePark(spinMicros, TimeUnit.MICROSECONDS);
    }

    /** Applies new pool settings; running calls are not disturbed. */
    public void resize(int workerThreads, int queueCapacity, int spinMicros) {
        workers.resize(workerThreads, queueCapacity);
        workers.spinBeforePark(spinMicros, TimeUnit.MICROSECONDS);
    }

    /** Runs {@code call} as a call of {@code method} of {@code service}. */
    public void run(Call call, ExportedService service, ExportedMethod method) {
        ServiceCall work = new ServiceCall(service);
        service.calls.add(call);
        if (!call.attach(work)) {
            work.ended(call);
            return;
        }
        if (service.withdrawn) {
            calls.fail(call, ErrorCode.PROVIDER_GONE.code(), withdrawn(service), "");
            return;
        }
        if (service.placement == Placement.EVENT_LOOP) {
            // The service promised never to block: no hand-off to a worker and back.
            invoke(call, service, method, work);
            return;
        }
        // A streamed call's method waits for its items as often as not, and they come through this loop.
        long limit = service.placement == Placement.JUDGED && !method.declaresWaiting && method.stream == null
                ? TimeUnit.MICROSECONDS.toNanos(methodOnLoopMicros.getAsInt()) : 0;
        if (method.loopPolicy.onLoop(limit) && onCallersLoop.test(call)) {
            long start = System.nanoTime();
            invoke(call, service, method, work);
            long took = System.nanoTime() - start;
            if (method.loopPolicy.ranOnLoop(took, limit)) {
                ServiceExports.LOG.log(System.Logger.Level.INFO, () -> "A call of " + call.method() + " kept an I/O "
                        + "thread " + TimeUnit.NANOSECONDS.toMicros(took) + " µs; its calls now run on the RPC "
                        + "workers");
            }
            return;
        }
        Runnable run = limit == 0 ? () -> invoke(call, service, method, work) : () -> {
            long start = System.nanoTime();
            invoke(call, service, method, work);
            if (method.loopPolicy.ranOnWorker(System.nanoTime() - start, limit)) {
                ServiceExports.LOG.log(System.Logger.Level.DEBUG, () -> "Calls of " + call.method() + " returned "
                        + "promptly on the workers again; they run on the I/O threads once more");
            }
        };
        FutureTask<Void> task = new FutureTask<>(run, null);
        work.task = task;
        // A call that ended by itself must not interrupt the worker that is just returning.
        if (call.isAbandoned()) {
            task.cancel(true);
        }
        if (!workers.execute(task)) {
            calls.fail(call, ErrorCode.BUSY.code(), "every RPC worker is busy and the queue is full", "");
        }
    }

    /** Whether this thread is the event loop of the connection {@code call} came on: false for calls from the shell or JMX. */
    public static boolean onConnectionsLoop(Call call) {
        Session session = call.session();
        TransportConnection connection = session == null ? null : session.connection();
        return connection != null && connection.channel().eventLoop().inEventLoop();
    }

    /** Withdraws a service at once: calls in flight on it fail with PROVIDER_GONE and their work stops. */
    public void withdraw(ExportedService service) {
        service.withdrawn = true;
        for (Call call : service.calls) {
            calls.abort(call, ErrorCode.PROVIDER_GONE.code(), withdrawn(service), false);
        }
    }

    private static String withdrawn(ExportedService service) {
        return "service " + service.name() + " was withdrawn";
    }

    private void invoke(Call call, ExportedService service, ExportedMethod m, ServiceCall work) {
        if (call.isDone()) {
            return;
        }
        Object[] args;
        try {
            args = m.decode(call.params(), rejectUnknownFields.getAsBoolean());
        } catch (InvalidParamsException e) {
            calls.fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
            return;
        }
        if (m.stream != null && !streamed.prepare(call, m.stream, args, work)) {
            return;
        }
        Object result;
        try {
            result = m.method.invoke(service.target, args);
        } catch (InvocationTargetException e) {
            failWith(call, e.getCause());
            return;
        } catch (IllegalAccessException | RuntimeException e) {
            ServiceExports.LOG.log(System.Logger.Level.WARNING, "Could not invoke " + call.method(), e);
            calls.fail(call, ErrorCode.INTERNAL_ERROR.code(), "the node could not invoke " + call.method(), "");
            return;
        }
        if (m.stream != null && m.stream.direction().calleeSends()) {
            streamed.answer(call, m.stream, result, work);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> future = null;
            try {
                future = stage.toCompletableFuture();
            } catch (UnsupportedOperationException notAFuture) {
                // only the callback below then
            }
            work.stage = future;
            if (future != null && call.isAbandoned()) {
                future.cancel(true);
            }
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    failWith(call, failure);
                } else {
                    succeed(call, m, value);
                }
            });
        } else {
            succeed(call, m, result);
        }
    }

    private void succeed(Call call, ExportedMethod m, Object value) {
        if (call.isDone()) {
            return;
        }
        byte[] json;
        try {
            json = value == null ? JSON_NULL
                    : value instanceof String text ? Json.string(text)
                    : m.resultWriter != null ? m.resultWriter.writeValueAsBytes(value) : Json.write(value);
        } catch (JsonProcessingException | RuntimeException e) {
            ServiceExports.LOG.log(System.Logger.Level.WARNING, "Could not encode the result of " + call.method(), e);
            calls.fail(call, ErrorCode.SERVICE_ERROR.code(), "the result of " + call.method()
                    + " could not be encoded as JSON", "");
            return;
        }
        calls.complete(call, json);
    }

    private void failWith(Call call, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (call.isDone()) {
            return; // cancelled or expired already: what the method threw on its way out does not matter
        }
        if (t instanceof InvalidParamsException e) {
            // an item of a streamed parameter that did not decode, passed on by the service
            calls.fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
        } else if (t instanceof RpcException e) {
            calls.fail(call, e.code(), e.getMessage() == null ? "the call failed" : e.getMessage(), e.details());
        } else if (t instanceof CancellationException) {
            calls.fail(call, ErrorCode.CANCELLED.code(), "the service cancelled the call", "");
        } else {
            ServiceExports.LOG.log(System.Logger.Level.DEBUG, "Service method " + call.method() + " failed", t);
            String message = t.getMessage() == null ? "the service failed" : t.getMessage();
            calls.fail(call, ErrorCode.SERVICE_ERROR.code(), message,
                    Json.object("exception", t.getClass().getSimpleName()));
        }
    }

    /** Stops the workers; calls still queued are not run. */
    @Override
    public void close() {
        workers.shutdown();
    }
}
