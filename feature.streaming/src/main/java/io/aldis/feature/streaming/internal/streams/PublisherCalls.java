package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.spi.work.SerialExecutor;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How the node asks a service's publisher for items ({@code request(n)}): on the
 * connection's event loop while the publisher answers promptly, as Reactive Streams asks of a
 * subscription (rules 3.4 and 3.5), and on the stream's worker otherwise. A call on the loop spares
 * the two hand-overs between threads that each credit would cost (loop to worker, and the items
 * back), which pace a stream of small items.
 *
 * <p>A call that keeps the loop longer than the configured limit moves the stream's later calls,
 * and those of every later stream of the same method, to the workers, where a slow publisher holds
 * up only itself. Calls that come while the stream's worker is busy with it go to the worker too,
 * so that the order of the calls never changes.
 */
final class PublisherCalls implements Executor {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final SerialExecutor worker;
    private final BooleanSupplier onLoop;
    private final LongSupplier limitMicros;
    private final String method;
    private final Set<String> slowMethods;
    private boolean slow;

    /**
     * @param worker      the stream's serial executor, shared with the rest of its service calls
     * @param onLoop      whether the calling thread is the stream's event loop
     * @param limitMicros the longest a call may keep the loop; 0: never on the loop
     * @param method      the streaming method, to remember when its publisher is slow
     * @param slowMethods the methods whose publishers were seen slow, shared by all streams
     */
    PublisherCalls(SerialExecutor worker, BooleanSupplier onLoop, LongSupplier limitMicros, String method,
            Set<String> slowMethods) {
        this.worker = worker;
        this.onLoop = onLoop;
        this.limitMicros = limitMicros;
        this.method = method;
        this.slowMethods = slowMethods;
        this.slow = slowMethods.contains(method);
    }

    @Override
    public void execute(Runnable call) {
        long limitNanos = TimeUnit.MICROSECONDS.toNanos(limitMicros.getAsLong());
        if (slow || limitNanos == 0 || !onLoop.getAsBoolean()) {
            worker.execute(call);
            return;
        }
        long start = System.nanoTime();
        if (!worker.runHereIfIdle(call, limitNanos / 2)) {
            worker.execute(call);
            return;
        }
        long took = System.nanoTime() - start;
        if (took > limitNanos) {
            slow = true;
            if (slowMethods.add(method)) {
                LOG.log(System.Logger.Level.INFO, () -> "The publisher of " + method
                        + " kept a connection's event loop " + TimeUnit.NANOSECONDS.toMicros(took) + " µs in one call; its streams now call it on "
                        + "the streaming workers");
            }
        }
    }
}
