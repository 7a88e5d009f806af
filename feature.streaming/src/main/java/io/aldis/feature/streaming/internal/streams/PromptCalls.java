package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How the node asks a service's publisher for items ({@code request(n)}, which Reactive Streams
 * asks to return promptly, rule 3.4): on the connection's event loop while it does return promptly,
 * and on the stream's worker otherwise. A request on the loop spares the two hand-overs between
 * threads that each credit would cost (loop to worker, and the items back), which pace a stream of
 * small items. A subscriber's {@code onNext} is not called this way: a subscriber may block there
 * on purpose, for instance in {@code SubmissionPublisher.submit} while the caller's credit is spent,
 * and only the loop could read the credit that frees it.
 *
 * <p>Where a request runs is decided by an {@link OnLoopPolicy} shared by the streams of one
 * method: a request that keeps the loop too long moves them to the workers. A request that comes
 * while the stream's worker is busy with the stream goes to the worker too, so that the order of
 * the calls into the service never changes.
 */
final class PromptCalls implements Executor {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final SerialExecutor worker;
    private final BooleanSupplier onLoop;
    private final OnLoopPolicy policy;
    private final LongSupplier limitMicros;
    private final String what;

    /**
     * @param worker      the stream's serial executor, shared with the rest of its service calls
     * @param onLoop      whether the calling thread is the stream's event loop
     * @param policy      where these calls run, shared by the streams of the method
     * @param limitMicros the longest a call may keep the loop ({@code publisherOnLoopMicros})
     * @param what        the calls, as the log names them, such as {@code "the publisher of feed.ticks"}
     */
    PromptCalls(SerialExecutor worker, BooleanSupplier onLoop, OnLoopPolicy policy, LongSupplier limitMicros,
            String what) {
        this.worker = worker;
        this.onLoop = onLoop;
        this.policy = policy;
        this.limitMicros = limitMicros;
        this.what = what;
    }

    @Override
    public void execute(Runnable call) {
        long limit = TimeUnit.MICROSECONDS.toNanos(limitMicros.getAsLong());
        if (policy.onLoop(limit) && onLoop.getAsBoolean()) {
            long start = System.nanoTime();
            // within half the limit, calls that this one made meanwhile follow it here
            if (worker.runHereIfIdle(call, limit / 2)) {
                long took = System.nanoTime() - start;
                if (policy.ranOnLoop(took, limit)) {
                    LOG.log(System.Logger.Level.INFO, () -> "A call into " + what + " kept a connection's event "
                            + "loop " + TimeUnit.NANOSECONDS.toMicros(took) + " µs; such calls now run on the "
                            + "streaming workers");
                }
                return;
            }
        }
        worker.execute(() -> {
            long start = System.nanoTime();
            call.run();
            if (policy.ranOnWorker(System.nanoTime() - start, limit)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "Calls into " + what + " returned promptly on the workers "
                        + "again; they run on the connections' event loops once more");
            }
        });
    }
}
