package io.aldis.transport.ws.internal;

import io.aldis.spi.config.ConfigValues;
import io.aldis.spi.config.InvalidConfigurationException;
import io.aldis.spi.transport.ConnectionAcceptor;
import io.aldis.spi.transport.Listener;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One listener per factory configuration of {@code io.aldis.transport.ws}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections.
 *
 * <p>A file with a bad value, or an address that cannot be bound, never fails the component (the
 * framework would log a stack trace and operators would see nothing): it is logged in one line,
 * the listener keeps the settings it runs with (or, at start, does not run), and the Listener
 * service carries the reason in {@link Listener#PROBLEM_PROPERTY} for {@code aldis:listener-list}.
 */
@Component(configurationPid = WsListenerComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WsListenerConfig.class, factory = true)
public final class WsListenerComponent {
    static final String PID = "io.aldis.transport.ws";
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.ws");

    private final ConnectionAcceptor acceptor;
    private final BundleContext context;
    private WsServer server;
    private ServiceRegistration<Listener> registration;
    private Listener shown;

    @Activate
    public WsListenerComponent(Map<String, Object> properties, @Reference ConnectionAcceptor acceptor,
            BundleContext context) {
        this.acceptor = acceptor;
        this.context = context;
        apply(properties);
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        apply(properties);
    }

    private synchronized void apply(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        String name = values.text("name", "default");
        WsSettings settings;
        try {
            settings = WsSettings.from(values);
        } catch (InvalidConfigurationException e) {
            String outcome = server != null ? "; the listener keeps the settings it runs with" : "; the listener is not running";
            LOG.log(Level.ERROR, "Rejected {0}{1}", e.getMessage(), outcome);
            show(server != null ? server : Listener.notListening("ws", name, values.text("host", "-"), 0), name,
                    "rejected: " + e.getMessage() + outcome);
            return;
        }
        try {
            if (server == null) {
                WsServer starting = new WsServer(settings, acceptor);
                try {
                    starting.start();
                } catch (Exception e) {
                    starting.stop();
                    throw e;
                }
                server = starting;
            } else {
                server.rebind(settings);
            }
        } catch (Exception e) {
            String problem = values.source() + ": cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e);
            LOG.log(Level.ERROR, problem);
            show(server != null ? server : Listener.notListening("ws", settings.name(), settings.host(), settings.port()),
                    settings.name(), problem);
            return;
        }
        show(server, settings.name(), "");
    }

    /** Registers what operators see of this listener, replacing the registration when that changed. */
    private void show(Listener listener, String name, String problem) {
        Map<String, Object> props = new HashMap<>(Map.of("aldis.transport", "ws", "aldis.listener", name));
        if (!problem.isEmpty()) {
            props.put(Listener.PROBLEM_PROPERTY, problem);
        }
        if (registration != null && shown == listener) {
            registration.setProperties(FrameworkUtil.asDictionary(props));
            return;
        }
        unregister();
        shown = listener;
        registration = context.registerService(Listener.class, listener, FrameworkUtil.asDictionary(props));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private void unregister() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework unregistered it while stopping the bundle.
            }
            registration = null;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        unregister();
        if (server != null) {
            server.stop();
            LOG.log(Level.INFO, "Aldis WebSocket listener ''{0}'' stopped", server.name());
            server = null;
        }
    }
}
