package io.aldis.feature.metrics.internal;

import io.aldis.feature.metrics.internal.figures.AldisCollector;
import io.aldis.feature.metrics.internal.figures.JvmFigures;
import io.aldis.feature.metrics.internal.http.Exposition;
import io.aldis.feature.metrics.internal.http.ScrapeServer;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The metrics endpoint in Karaf: serves the node's figures and the JVM's over HTTP as PID
 * {@value #PID} says, and rebinds in place when the file changes. A rejected file or an address
 * that cannot be bound is logged in one line and leaves the endpoint as it was (closed, when it
 * cannot bind), never a failed component.
 */
@Component(service = {}, immediate = true, configurationPid = MetricsComponent.PID)
@Designate(ocd = MetricsConfig.class)
public final class MetricsComponent implements AutoCloseable {
    static final String PID = "io.aldis.metrics";
    private static final System.Logger LOG = System.getLogger("io.aldis.metrics");

    private final Exposition exposition;
    private MetricsSettings inForce;
    private ScrapeServer server;

    @Activate
    public MetricsComponent(Map<String, Object> properties) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new AldisCollector(ManagementFactory.getPlatformMBeanServer()));
        JvmFigures.register(registry);
        this.exposition = new Exposition(registry);
        apply(properties);
    }

    @Modified
    synchronized void apply(Map<String, Object> properties) {
        MetricsSettings settings;
        try {
            ConfigValues values = new ConfigValues(properties, PID);
            values.warnUnknownKeys(MetricsSettings.KEYS, LOG);
            settings = MetricsSettings.from(values);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the metrics endpoint stays as it was", e.getMessage());
            return;
        }
        if (settings.equals(inForce) && (server != null || !settings.enabled())) {
            return;
        }
        close();
        inForce = settings;
        if (!settings.enabled()) {
            LOG.log(System.Logger.Level.INFO, "Metrics endpoint disabled");
            return;
        }
        try {
            server = ScrapeServer.start(settings, exposition);
            LOG.log(System.Logger.Level.INFO, "Metrics at http://{0}:{1,number,#}{2}", settings.host(), server.port(),
                    settings.path());
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.ERROR, "Metrics endpoint closed: {0}", e.getMessage());
        }
    }

    /** The port the endpoint listens on; -1 while it does not. */
    public synchronized int port() {
        return server == null ? -1 : server.port();
    }

    @Deactivate
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
