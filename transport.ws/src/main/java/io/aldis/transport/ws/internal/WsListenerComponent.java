package io.aldis.transport.ws.internal;

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
 * One WebSocket listener per factory configuration of {@code io.aldis.transport.ws}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections.
 */
@Component(service = Listener.class, configurationPid = "io.aldis.transport.ws", immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WsListenerConfig.class, factory = true)
public final class WsListenerComponent implements Listener {
    private final WsServer server;

    @Activate
    public WsListenerComponent(WsListenerConfig config, @Reference ConnectionAcceptor acceptor) throws Exception {
        this.server = new WsServer(WsSettings.from(config), acceptor);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    @Modified
    void modified(WsListenerConfig config) throws Exception {
        server.rebind(WsSettings.from(config));
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
