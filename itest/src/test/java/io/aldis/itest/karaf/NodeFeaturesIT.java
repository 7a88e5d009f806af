package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.transport.Listener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The distribution boots a working node, and its features can be removed, added back and
 * reconfigured while it runs without disturbing the core.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeFeaturesIT extends AldisKarafTestSupport {

    private static final String TCP_FACTORY_PID = "io.aldis.transport.tcp";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private FeaturesService featuresService;

    @Inject
    private ServiceComponentRuntime scr;

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
    }

    @Test
    public void everyAldisBundleIsActiveAndEveryComponentSatisfied() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : bundleContext.getBundles()) {
            String name = b.getSymbolicName();
            if (name != null && name.startsWith("io.aldis.") && b.getState() != Bundle.ACTIVE) {
                notActive.add(name + " state " + b.getState());
            }
        }
        assertEquals(List.of(), notActive);

        List<String> unsatisfied = new ArrayList<>();
        for (String name : ALDIS_BUNDLES) {
            Bundle b = bundle(name);
            assertNotNull(name + " installed", b);
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(b)) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                            || configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        unsatisfied.add(description.name + " state " + configuration.state
                                + (configuration.failure == null ? "" : ": " + configuration.failure));
                    }
                }
            }
        }
        assertEquals(List.of(), unsatisfied);
    }

    @Test
    public void umbrellaFeatureAndItsPartsAreInstalled() throws Exception {
        for (String feature : List.of("aldis-core", "aldis-auth", "aldis-transport-tcp")) {
            assertTrue(feature + " installed", featuresService.isInstalled(featuresService.getFeature(feature)));
        }
        assertNotNull("umbrella feature aldis is available", featuresService.getFeature("aldis"));
    }

    @Test
    public void transportFeatureComesAndGoesWithoutRefreshingTheCore() throws Exception {
        Bundle core = bundle("io.aldis.node.core");
        Bundle api = bundle("io.aldis.protocol.api");
        long coreId = core.getBundleId();
        long coreModified = core.getLastModified();
        Object registryServiceId = bundleContext.getServiceReference(SessionRegistry.class)
                .getProperty(Constants.SERVICE_ID);

        // Any stop, unresolve or update of the core or the API bundle means they were refreshed.
        List<String> coreEvents = Collections.synchronizedList(new ArrayList<>());
        SynchronousBundleListener watcher = event -> {
            Bundle b = event.getBundle();
            if ((b.getBundleId() == coreId || b.getBundleId() == api.getBundleId())
                    && event.getType() != BundleEvent.STARTING && event.getType() != BundleEvent.STARTED) {
                coreEvents.add(b.getSymbolicName() + " event " + event.getType());
            }
        };
        bundleContext.addBundleListener(watcher);
        try {
            executeCommand("feature:uninstall aldis-transport-tcp");
            awaitPortClosed(DEFAULT_PORT);
            assertNull("transport bundle uninstalled", bundle("io.aldis.transport.tcp"));
            assertTrue("no TCP listener service left",
                    bundleContext.getServiceReferences(Listener.class, "(aldis.transport=tcp)").isEmpty());

            executeCommand("feature:install aldis-transport-tcp");
            awaitPortOpen(DEFAULT_PORT);
            awaitAldisBundlesActive();
        } finally {
            bundleContext.removeBundleListener(watcher);
        }

        Bundle coreAfter = bundle("io.aldis.node.core");
        assertEquals("core bundle id", coreId, coreAfter.getBundleId());
        assertEquals("core last modified", coreModified, coreAfter.getLastModified());
        assertEquals(Bundle.ACTIVE, coreAfter.getState());
        assertEquals("core services were not re-registered", registryServiceId,
                bundleContext.getServiceReference(SessionRegistry.class).getProperty(Constants.SERVICE_ID));
        assertEquals("core and API bundles were not refreshed", List.of(), coreEvents);
    }

    @Test
    public void portChangeThroughConfigAdminRebindsTheDefaultListener() throws Exception {
        Configuration config = defaultListenerConfiguration();
        int newPort = freePort();
        try {
            setPort(config, newPort);
            awaitPortOpen(newPort);
            awaitPortClosed(DEFAULT_PORT);

            String output = executeCommand("aldis:listener-list");
            assertTrue("listener-list names the listener:\n" + output, output.contains("default"));
            assertTrue("listener-list shows the new port:\n" + output, output.contains(Integer.toString(newPort)));
            assertNotContains(output, Integer.toString(DEFAULT_PORT));
        } finally {
            setPort(defaultListenerConfiguration(), DEFAULT_PORT);
        }
        awaitPortOpen(DEFAULT_PORT);
        awaitPortClosed(newPort);
    }

    @Test
    public void listenerListShowsTheDefaultListener() {
        String output = executeCommand("aldis:listener-list");
        assertTrue("listener-list names the listener:\n" + output, output.contains("default"));
        assertTrue("listener-list shows its port:\n" + output, output.contains(Integer.toString(DEFAULT_PORT)));
        assertTrue("listener-list shows its address:\n" + output, output.contains("127.0.0.1"));
    }

    @Test
    public void defaultListenerIsRegisteredAsAService() {
        Listener listener = awaitService(Listener.class, "", WAIT);
        Set<String> names = listeners().stream().map(Listener::name).collect(Collectors.toSet());
        assertTrue("listeners " + names, names.contains("default"));
        assertFalse(listener.transport().isBlank());
    }

    private List<Listener> listeners() {
        try {
            return bundleContext.getServiceReferences(Listener.class, null).stream()
                    .map(bundleContext::getService)
                    .toList();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Configuration defaultListenerConfiguration() throws Exception {
        Configuration[] found = configAdmin.listConfigurations(
                "(&(service.factoryPid=" + TCP_FACTORY_PID + ")(name=default))");
        assertNotNull("factory configuration of the default listener", found);
        assertEquals("one default listener configuration", 1, found.length);
        return found[0];
    }

    private static void setPort(Configuration config, int port) throws IOException {
        Dictionary<String, Object> properties = config.getProperties();
        properties.put("port", Integer.toString(port));
        config.update(properties);
    }
}
