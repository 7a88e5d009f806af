package io.aldis.protocol.api.spi.transport;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

/**
 * Runs the listener of one factory configuration of a transport, the part every transport's
 * listener component shares: it reads the configuration, starts the server or rebinds it in
 * place, and registers the {@link Listener} service operators list.
 *
 * <p>A file with a bad value, or an address that cannot be bound, never fails the component (the
 * framework would log a stack trace and operators would see nothing): it is logged in one line,
 * the listener keeps the settings it runs with (or, at start, does not run), and the Listener
 * service carries the reason in {@link Listener#PROBLEM_PROPERTY}.
 *
 * @param <S> the transport's settings
 */
public final class ListenerRunner<S extends ListenerRunner.Settings> {

    /** What the runner reads of a transport's settings. */
    public interface Settings {
        String name();

        String host();

        int port();
    }

    /** A transport's server for one listener. */
    public interface Server<S> extends Listener {
        /** Binds and starts accepting. */
        void start() throws Exception;

        /** Applies changed settings in place; open connections stay. */
        void rebind(S settings) throws Exception;

        /** Unbinds and closes the listener's connections. */
        void stop();
    }

    private final String transport;
    private final String label;
    private final String pid;
    private final System.Logger log;
    private final BundleContext context;
    private final Function<ConfigValues, S> readSettings;
    private final Function<S, Server<S>> newServer;
    private Server<S> server;
    private ServiceRegistration<Listener> registration;
    private Listener shown;

    /**
     * @param transport    the transport's name in {@link Listener#transport()}, such as {@code tcp}
     * @param label        the transport's name in log lines, such as {@code TCP}
     * @param pid          the factory PID of its listener files
     * @param readSettings reads the settings, throwing {@link InvalidConfigurationException} for a bad value
     * @param newServer    makes a server, not started, for settings
     */
    public ListenerRunner(String transport, String label, String pid, System.Logger log, BundleContext context,
            Function<ConfigValues, S> readSettings, Function<S, Server<S>> newServer) {
        this.transport = transport;
        this.label = label;
        this.pid = pid;
        this.log = log;
        this.context = context;
        this.readSettings = readSettings;
        this.newServer = newServer;
    }

    /** Applies a configuration: at activation, and each time it changes. */
    public synchronized void apply(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, pid);
        String name = values.text("name", "default");
        S settings;
        try {
            settings = readSettings.apply(values);
        } catch (InvalidConfigurationException e) {
            String outcome = server != null ? "; the listener keeps the settings it runs with" : "; the listener is not running";
            log.log(Level.ERROR, "Rejected {0}{1}", e.getMessage(), outcome);
            show(server != null ? server : Listener.notListening(transport, name, values.text("host", "-"), 0), name,
                    "rejected: " + e.getMessage() + outcome);
            return;
        }
        try {
            if (server == null) {
                Server<S> starting = newServer.apply(settings);
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
            log.log(Level.ERROR, problem);
            show(server != null ? server : Listener.notListening(transport, settings.name(), settings.host(),
                    settings.port()), settings.name(), problem);
            return;
        }
        show(server, settings.name(), "");
    }

    /** Stops the listener and withdraws its service: the configuration was deleted or the bundle stops. */
    public synchronized void stop() {
        unregister();
        if (server != null) {
            server.stop();
            log.log(Level.INFO, "Aldis {0} listener ''{1}'' stopped", label, server.name());
            server = null;
        }
    }

    /** Registers what operators see of this listener, replacing the registration when that changed. */
    private void show(Listener listener, String name, String problem) {
        Map<String, Object> props = new HashMap<>(Map.of("aldis.transport", transport, "aldis.listener", name));
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
}
