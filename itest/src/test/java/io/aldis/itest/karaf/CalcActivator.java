package io.aldis.itest.karaf;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Activator of the service bundle {@link RpcFeatureIT} builds: registers {@link Calc} with the
 * property {@code aldis.rpc.service=calc} and nothing else from Aldis, as a bundle that only
 * follows the export convention would.
 *
 * <p>{@link #slow()} counts down the latch registered with {@code calc.latch=entered}, then waits
 * for the one registered with {@code calc.latch=release}. Both are plain JDK objects, so the test
 * can use them across the bundles' class spaces.
 */
public final class CalcActivator implements BundleActivator, Calc {

    static final String LATCH_PROPERTY = "calc.latch";

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("aldis.rpc.service", "calc");
        context.registerService(Calc.class, this, properties);
        register(context, entered, "entered");
        register(context, release, "release");
    }

    private static void register(BundleContext context, CountDownLatch latch, String name) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(LATCH_PROPERTY, name);
        context.registerService(CountDownLatch.class, latch, properties);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the services. A slow call keeps waiting: failing it is the
        // node's job, not this bundle's.
    }

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public String slow() throws InterruptedException {
        entered.countDown();
        return release.await(2, TimeUnit.MINUTES) ? "released" : "gave up";
    }
}
