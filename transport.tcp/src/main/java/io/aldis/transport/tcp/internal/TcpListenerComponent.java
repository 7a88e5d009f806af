package io.aldis.transport.tcp.internal;

import io.aldis.spi.transport.ConnectionAcceptor;
import io.aldis.spi.transport.Listener;
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
@Component(service = Listener.class, configurationPid = "io.aldis.transport.tcp", immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TcpListenerConfig.class, factory = true)
public final class TcpListenerComponent implements Listener {
    private final TcpServer server;

    @Activate
    public TcpListenerComponent(TcpListenerConfig config, @Reference ConnectionAcceptor acceptor) throws Exception {
        this.server = new TcpServer(TcpSettings.from(config), acceptor);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    @Modified
    void modified(TcpListenerConfig config) throws Exception {
        server.rebind(TcpSettings.from(config));
    }

    @Deactivate
    void deactivate() {
        server.stop();
    }

    @Override
    public String name() {
        return server.name();
    }

    @Override
    public String transport() {
        return server.transport();
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public boolean secure() {
        return server.secure();
    }

    @Override
    public int connections() {
        return server.connections();
    }

    @Override
    public int maxConnections() {
        return server.maxConnections();
    }
}
