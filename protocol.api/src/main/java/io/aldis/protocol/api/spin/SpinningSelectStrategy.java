package io.aldis.protocol.api.spin;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A select strategy for event loops (NIO or epoll, see {@link NettyIo}) that polls for I/O for a
 * while before it blocks, for as long as a {@link SpinWindow} says work has been coming back soon. An event loop that
 * answers a request and gets the next one a round trip later then reads it without being woken,
 * and a task another thread hands it (a reply from a worker) needs no selector wake-up either.
 * While polling the loop gives its processor to any other thread that is ready, and only a few
 * loops of one group poll at a time ({@link #factory}), so that polling loops never crowd out the
 * loops that have work.
 */
public final class SpinningSelectStrategy implements SelectStrategy {
    private final SpinWindow window;
    private final LongSupplier capNanos;
    private final LongSupplier clock;
    /** Loops of this group that may poll at once; shared by the group's strategies. */
    private final Semaphore pollers;
    private boolean polling;
    /** When this loop ran out of work, if {@link #idle}. */
    private long idleSince;
    private boolean idle;
    /** The loop blocked in the selector during the current idle spell. */
    private boolean blocked;

    SpinningSelectStrategy(LongSupplier capNanos, LongSupplier clock, Semaphore pollers) {
        this.capNanos = capNanos;
        this.clock = clock;
        this.pollers = pollers;
        this.window = new SpinWindow(capNanos.getAsLong(), TimeUnit.NANOSECONDS);
    }

    /**
     * A factory for the NIO event loops of one group, whose window is capped by {@code capNanos},
     * read again at every idle spell so a changed setting reaches running loops; a cap of 0 blocks
     * at once, as Netty's default strategy does. One loop per two processors polls at a time.
     */
    public static SelectStrategyFactory factory(LongSupplier capNanos) {
        return factory(capNanos, pollers());
    }

    /**
     * A factory for NIO event loops, of one group or of several, that poll only while they hold
     * one of {@code pollers}' permits: groups that share the semaphore share the limit, as the
     * single-thread groups of many clients in one JVM should.
     */
    public static SelectStrategyFactory factory(LongSupplier capNanos, Semaphore pollers) {
        return () -> new SpinningSelectStrategy(capNanos, System::nanoTime, pollers);
    }

    /** Permits for {@link SpinWindow#SPINNERS_AT_ONCE} polling loops. */
    public static Semaphore pollers() {
        return new Semaphore(SpinWindow.SPINNERS_AT_ONCE);
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        long now = clock.getAsLong();
        if (hasTasks || blocked) {
            // after a blocking select the loop has handled whatever woke it before it comes here
            workCame(now);
            if (hasTasks) {
                return selectNow.get();
            }
        }
        if (!idle) {
            idle = true;
            idleSince = now;
            long cap = capNanos.getAsLong();
            if (cap != window.capNanos()) {
                window.cap(cap, TimeUnit.NANOSECONDS);
            }
        }
        if (now - idleSince < window.windowNanos() && (polling || (polling = pollers.tryAcquire()))) {
            int ready = selectNow.get();
            if (ready > 0) {
                workCame(now);
                return ready;
            }
            Thread.yield();
            return SelectStrategy.CONTINUE;
        }
        stopPolling();
        blocked = true;
        return SelectStrategy.SELECT;
    }

    /** The window this loop would spin for now, in nanoseconds. */
    long windowNanos() {
        return window.windowNanos();
    }

    private void stopPolling() {
        if (polling) {
            polling = false;
            pollers.release();
        }
    }

    private void workCame(long now) {
        stopPolling();
        if (idle) {
            window.idleEnded(now - idleSince);
            idle = false;
            blocked = false;
        }
    }
}
