package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.ListenerRunner;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One listener per factory configuration of {@code io.aldis.transport.ws}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections. A bad file or
 * an address that cannot be bound is reported in one line and on the Listener service, never as
 * a failed component (see {@link ListenerRunner}).
 */
@Component(configurationPid = WsListenerComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WsListenerConfig.class, factory = true)
public final class WsListenerComponent {
    static final String PID = "io.aldis.transport.ws";
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.ws");

    private final ListenerRunner<WsSettings> runner;

    @Activate
    public WsListenerComponent(Map<String, Object> properties, @Reference ConnectionAcceptor acceptor,
            BundleContext context) {
        runner = new ListenerRunner<>("ws", "WebSocket", PID, LOG, context, WsSettings::from,
                settings -> new WsServer(settings, acceptor));
        runner.apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        runner.apply(properties);
    }

    @Deactivate
    void deactivate() {
        runner.stop();
    }
}
