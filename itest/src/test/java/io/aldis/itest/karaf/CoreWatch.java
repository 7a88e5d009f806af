package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Watches the core and API bundles while a test swaps a feature: any stop, unresolve or update of
 * either means they were refreshed, which a feature swap must never cause.
 */
final class CoreWatch implements AutoCloseable {
    private final BundleContext context;
    private final Bundle core;
    private final long coreModified;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final SynchronousBundleListener listener;

    CoreWatch(BundleContext context, Bundle core, Bundle api) {
        this.context = context;
        this.core = core;
        this.coreModified = core.getLastModified();
        long coreId = core.getBundleId();
        long apiId = api.getBundleId();
        listener = event -> {
            long id = event.getBundle().getBundleId();
            if ((id == coreId || id == apiId)
                    && event.getType() != BundleEvent.STARTING && event.getType() != BundleEvent.STARTED) {
                events.add(event.getBundle().getSymbolicName() + " event " + event.getType());
            }
        };
        context.addBundleListener(listener);
    }

    /** Fails if the core or the API bundle was refreshed, updated or restarted since the watch began. */
    void assertUntouched() {
        synchronized (events) {
            assertEquals("core and API bundles were not refreshed", List.of(), new ArrayList<>(events));
        }
        assertEquals("core last modified", coreModified, core.getLastModified());
        assertEquals("core still active", Bundle.ACTIVE, core.getState());
    }

    @Override
    public void close() {
        context.removeBundleListener(listener);
    }
}
