package io.aldis.transport.tcp.internal;

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
 * One listener per factory configuration of {@code io.aldis.transport.tcp}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections.
 */
@Component(configurationPid = "io.aldis.transport.tcp", immediate = true, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TcpListenerConfig.class, factory = true)
public final class TcpListenerComponent {
    private final TcpServer server;
    private final ServiceRegistration<Listener> registration;

    @Activate
    public TcpListenerComponent(TcpListenerConfig config, @Reference ConnectionAcceptor acceptor, BundleContext context)
            throws Exception {
        this.server = new TcpServer(TcpSettings.from(config), acceptor);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        // The server itself is the Listener operators see; it answers from its live state.
        this.registration = context.registerService(Listener.class, server,
                FrameworkUtil.asDictionary(Map.of("aldis.transport", "tcp", "aldis.listener", config.name())));
    }

    @Modified
    void modified(TcpListenerConfig config) throws Exception {
        server.rebind(TcpSettings.from(config));
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
