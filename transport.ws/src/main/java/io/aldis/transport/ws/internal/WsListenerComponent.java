package io.aldis.transport.ws.internal;

import io.aldis.spi.transport.ConnectionAcceptor;
import io.aldis.spi.transport.Listener;
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
 * One WebSocket listener per factory configuration of {@code io.aldis.transport.ws}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections.
 */
@Component(configurationPid = "io.aldis.transport.ws", immediate = true, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WsListenerConfig.class, factory = true)
public final class WsListenerComponent {
    private final WsServer server;
    private final ServiceRegistration<Listener> registration;

    @Activate
    public WsListenerComponent(WsListenerConfig config, @Reference ConnectionAcceptor acceptor, BundleContext context)
            throws Exception {
        this.server = new WsServer(WsSettings.from(config), acceptor);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        // The server itself is the Listener operators see; it answers from its live state.
        this.registration = context.registerService(Listener.class, server,
                FrameworkUtil.asDictionary(Map.of("aldis.transport", "ws", "aldis.listener", config.name())));
    }

    @Modified
    void modified(WsListenerConfig config) throws Exception {
        server.rebind(WsSettings.from(config));
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework unregistered it while stopping the bundle.
        }
        server.stop();
    }
}
