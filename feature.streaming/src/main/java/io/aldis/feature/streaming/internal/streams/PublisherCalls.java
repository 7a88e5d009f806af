package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How the node asks a service's publisher for items ({@code request(n)}): on the connection's
 * event loop while the publisher answers promptly, as Reactive Streams asks of a subscription
 * (rule 3.4), and on the stream's worker otherwise. A request on the loop spares the two hand-overs
 * between threads that each credit would cost (loop to worker, and the items back), which pace a
 * stream of small items.
 *
 * <p>Where a request runs is the method's {@link OnLoopPolicy}, shared by all its streams: a
 * request that keeps the loop too long moves the method's requests to the workers. A request that
 * comes while the stream's worker is busy with the stream goes to the worker too, so that the
 * order of the calls into the publisher never changes.
 */
final class PublisherCalls implements Executor {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final SerialExecutor worker;
    private final BooleanSupplier onLoop;
    private final OnLoopPolicy policy;
    private final LongSupplier limitMicros;
    private final String method;

    /**
     * @param worker the stream's serial executor, shared with the rest of its service calls
     * @param onLoop whether the calling thread is the stream's event loop
     * @param policy where the method's publishers are asked, shared by its streams
     * @param limitMicros the longest a request may keep the loop ({@code publisherOnLoopMicros})
     * @param method the streaming method, for the log
     */
    PublisherCalls(SerialExecutor worker, BooleanSupplier onLoop, OnLoopPolicy policy, LongSupplier limitMicros,
            String method) {
        this.worker = worker;
        this.onLoop = onLoop;
        this.policy = policy;
        this.limitMicros = limitMicros;
        this.method = method;
    }

    @Override
    public void execute(Runnable request) {
        long limit = TimeUnit.MICROSECONDS.toNanos(limitMicros.getAsLong());
        if (policy.onLoop(limit) && onLoop.getAsBoolean()) {
            long start = System.nanoTime();
            // within half the limit, requests the publisher's items made meanwhile follow it here
            if (worker.runHereIfIdle(request, limit / 2)) {
                long took = System.nanoTime() - start;
                if (policy.ranOnLoop(took, limit)) {
                    log(System.Logger.Level.INFO, "The publisher of " + method + " kept a connection's event loop "
                            + TimeUnit.NANOSECONDS.toMicros(took) + " µs in one request; its requests now run on the "
                            + "streaming workers");
                }
                return;
            }
        }
        worker.execute(() -> {
            long start = System.nanoTime();
            request.run();
            if (policy.ranOnWorker(System.nanoTime() - start, limit)) {
                log(System.Logger.Level.DEBUG, "The publisher of " + method + " answered promptly on the workers "
                        + "again; its requests run on the connections' event loops once more");
            }
        });
    }

    private static void log(System.Logger.Level level, String message) {
        LOG.log(level, message);
    }
}
