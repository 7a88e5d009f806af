package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.MetricsScrape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The metrics endpoint of the booted distribution: scraped over HTTP after traffic, it shows the
 * node's, the features' and the JVM's figures; removing and installing aldis-metrics closes and
 * opens it without refreshing the core or any other Aldis bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsFeatureIT extends AldisKarafTestSupport {
    /** The port the aldis-metrics feature configures. */
    private static final int METRICS_PORT = 7449;
    private static final String METRICS_BUNDLE = "io.aldis.feature.metrics";
    private static final String USER = "metricsuser";
    private static final String PASSWORD = "metrics-Pa55word";
    private static final String TCP = "{transport=\"tcp\"}";

    private static boolean userAdded;

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitCapability("pubsub");
        awaitPortOpen(METRICS_PORT);
        synchronized (MetricsFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    private static MetricsScrape scrape() throws Exception {
        return MetricsScrape.of(METRICS_PORT, "/metrics");
    }

    @Test
    public void aScrapeAfterTrafficShowsTheNodesFeaturesAndJvmsFigures() throws Exception {
        MetricsScrape before = scrape();
        MetricsScrape during;
        try (FrameClient subscriber = FrameClient.tcp(DEFAULT_PORT); FrameClient publisher = FrameClient.tcp(DEFAULT_PORT)) {
            subscriber.login(USER, PASSWORD);
            publisher.login(USER, PASSWORD);
            subscriber.subscribeOk(1, "metrics.it");
            for (int i = 0; i < 3; i++) {
                publisher.publish("metrics.it", "m" + i);
            }
            for (int i = 0; i < 3; i++) {
                subscriber.deliverOn("metrics.it");
            }
            during = scrape();
        }

        assertTrue(during.text(), during.value("aldis_sessions") >= 2);
        assertTrue(during.text(), during.since(before, "aldis_pubsub_published_total") >= 3);
        assertTrue(during.text(), during.since(before, "aldis_pubsub_delivered_total") >= 3);
        assertEquals(during.text(), 1.0, during.value("aldis_pubsub_subscriptions"), 0);
        assertTrue(during.text(), during.since(before, "aldis_frames_received_total" + TCP) >= 3 + 2 * 3);
        assertTrue(during.text(), during.since(before, "aldis_received_bytes_total" + TCP) > 0);
        assertTrue(during.text(), during.since(before, "aldis_auth_attempts_total") >= 2);
        assertEquals(during.text(), 1.0, during.value("aldis_listener_up{listener=\"default\",transport=\"tcp\"}"), 0);
        assertTrue("the RPC, streaming and file features have their figures:\n" + during.text(),
                during.has("aldis_rpc_services") && during.has("aldis_streams_open")
                        && during.has("aldis_transfers_running"));
        assertTrue("the JVM's figures, those read through com.sun.management included:\n" + during.text(),
                during.has("jvm_memory_used_bytes{area=\"heap\"}") && during.has("process_open_fds"));
    }

    @Test
    public void reinstallingTheFeatureClosesAndOpensTheEndpointAndRefreshesNoOtherBundle() throws Exception {
        Map<String, Long> othersModified = aldisBundlesOtherThanMetrics();
        try (CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"),
                bundle("io.aldis.protocol.api"))) {
            executeCommand("feature:uninstall aldis-metrics");
            awaitPortClosed(METRICS_PORT);
            assertEquals(null, bundle(METRICS_BUNDLE));

            executeCommand("feature:install aldis-metrics");
            awaitPortOpen(METRICS_PORT);
            assertTrue(scrape().has("aldis_sessions"));

            core.assertUntouched();
        }
        assertEquals("no other Aldis bundle was updated or reinstalled", othersModified,
                aldisBundlesOtherThanMetrics());
    }

    /** Each Aldis bundle but the metrics one, with the time it was last installed or updated. */
    private Map<String, Long> aldisBundlesOtherThanMetrics() {
        Map<String, Long> modified = new LinkedHashMap<>();
        for (Bundle b : bundleContext.getBundles()) {
            String name = b.getSymbolicName();
            if (name != null && name.startsWith("io.aldis.") && !name.equals(METRICS_BUNDLE)
                    && !name.equals("io.aldis.client")) {
                assertEquals(name + " active", Bundle.ACTIVE, b.getState());
                modified.put(name + "#" + b.getBundleId(), b.getLastModified());
            }
        }
        return modified;
    }
}
