package io.aldis.transport.tcp.internal;

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
 * One listener per factory configuration of {@code io.aldis.transport.tcp}; a changed
 * configuration rebinds it in place, a deleted one closes it and its connections. A bad file or
 * an address that cannot be bound is reported in one line and on the Listener service, never as
 * a failed component (see {@link ListenerRunner}).
 */
@Component(configurationPid = TcpListenerComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TcpListenerConfig.class, factory = true)
public final class TcpListenerComponent {
    static final String PID = "io.aldis.transport.tcp";
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.tcp");

    private final ListenerRunner<TcpSettings> runner;

    @Activate
    public TcpListenerComponent(Map<String, Object> properties, @Reference ConnectionAcceptor acceptor,
            BundleContext context) {
        runner = new ListenerRunner<>("tcp", "TCP", PID, LOG, context, TcpSettings::from,
                settings -> new TcpServer(settings, acceptor));
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
