package io.aldis.itest.karaf;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Activator of the service bundle {@link StreamingFeatureIT} builds: registers {@link Ticker}
 * with {@code aldis.rpc.service=ticker} and nothing else from Aldis, producing only what its
 * subscriber requests. The number of subscriptions cancelled is registered as an
 * {@link AtomicLong} with {@code ticker.cancelled=true}, a JDK object the test can read across
 * the bundles' class spaces.
 */
public final class TickerActivator implements BundleActivator, Ticker {
    private final AtomicLong cancelled = new AtomicLong();

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("aldis.rpc.service", "ticker");
        context.registerService(Ticker.class, this, properties);
        Dictionary<String, Object> counter = new Hashtable<>();
        counter.put("ticker.cancelled", "true");
        context.registerService(AtomicLong.class, cancelled, counter);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the services
    }

    @Override
    public Flow.Publisher<Long> from(long start) {
        return range(start, Long.MAX_VALUE);
    }

    @Override
    public Flow.Publisher<Long> range(long start, int count) {
        return range(start, (long) count);
    }

    private Flow.Publisher<Long> range(long start, long count) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private final AtomicLong demand = new AtomicLong();
            private final AtomicBoolean stopped = new AtomicBoolean();
            private long next = start;

            @Override
            public void request(long n) {
                if (n <= 0 || demand.getAndAdd(n) > 0) {
                    return; // the thread that raised the demand from 0 is emitting
                }
                long remaining;
                do {
                    long target = demand.get();
                    long emitted = 0;
                    while (emitted < target && !stopped.get() && next - start < count) {
                        subscriber.onNext(next++);
                        emitted++;
                    }
                    if (next - start == count && !stopped.getAndSet(true)) {
                        subscriber.onComplete();
                        return;
                    }
                    remaining = demand.addAndGet(-emitted);
                } while (remaining > 0 && !stopped.get());
            }

            @Override
            public void cancel() {
                if (!stopped.getAndSet(true)) {
                    cancelled.incrementAndGet();
                }
            }
        });
    }
}
