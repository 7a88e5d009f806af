package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.events.ServiceEvents;
import io.aldis.feature.pubsub.internal.stats.PubSubStats;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.SystemEvents;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Runs the {@link PubSubEngine} in OSGi: registers its two frame handlers with the node
 * (capabilities {@code pubsub} and {@code messages}) and the {@link PubSubAdmin} its shell commands
 * use, offers the {@link PubSub} service, follows
 * {@link MessageHandler} services, the {@link Authorizer} and a {@link RemoteRoutes} link to other
 * nodes (offering them its {@link LocalRouting}), announces the node's services on
 * {@code $sys} ({@link ServiceEvents}), and applies configuration changes of PID
 * {@code io.aldis.pubsub} live.
 */
@Component(service = PubSub.class, configurationPid = PubSubComponent.PID, immediate = true)
@Designate(ocd = PubSubConfig.class)
public final class PubSubComponent implements PubSub {
    static final String PID = "io.aldis.pubsub";
    private static final System.Logger LOG = System.getLogger("io.aldis.pubsub");

    private final PubSubEngine engine;
    private final PubSubStats stats;
    private final ServiceRegistration<FrameHandler> pubSubRegistration;
    private final ServiceRegistration<FrameHandler> messageRegistration;
    private final ServiceRegistration<PubSubAdmin> adminRegistration;
    private final ServiceRegistration<SystemEvents> sysEventsRegistration;
    private final ServiceRegistration<LocalRouting> localRoutingRegistration;
    private final ServiceEvents serviceEvents;

    /**
     * Starts the feature; a rejected configuration is logged in one line and the feature runs with
     * the defaults, rather than not at all.
     */
    @Activate
    public PubSubComponent(Map<String, Object> properties, BundleContext context) {
        PubSubSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; pub/sub runs with the defaults", e.getMessage());
            settings = PubSubSettings.defaults();
        }
        this.engine = new PubSubEngine(settings);
        this.stats = new PubSubStats(engine.view());
        stats.register();
        serviceEvents = ServiceEvents.start(context, engine.events());
        pubSubRegistration = context.registerService(FrameHandler.class, engine.pubSubFrames(), capability("pubsub"));
        messageRegistration = context.registerService(FrameHandler.class, engine.messageFrames(), capability("messages"));
        adminRegistration = context.registerService(PubSubAdmin.class, engine.admin(), null);
        // Other features announce their own $sys events through this, without importing pub/sub.
        SystemEvents sysEvents = engine.events()::publish;
        sysEventsRegistration = context.registerService(SystemEvents.class, sysEvents, null);
        localRoutingRegistration = context.registerService(LocalRouting.class, engine.localRouting(), null);
    }

    private static Dictionary<String, Object> capability(String name) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(FrameHandler.CAPABILITY, name);
        return props;
    }

    /** Applies a changed configuration; a rejected one is logged in one line and the settings in force stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        PubSubSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        engine.update(settings);
    }

    /** Reads the settings; a key pub/sub does not know is most likely misspelt, and is reported. */
    static PubSubSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        PubSubSettings settings = PubSubSettings.from(values);
        values.warnUnknownKeys(PubSubSettings.KEYS, LOG);
        return settings;
    }

    @Deactivate
    void deactivate() {
        serviceEvents.stop();
        unregister(pubSubRegistration);
        unregister(messageRegistration);
        unregister(adminRegistration);
        unregister(sysEventsRegistration);
        unregister(localRoutingRegistration);
        stats.unregister();
        engine.close();
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setAuthorizer(Authorizer authorizer) {
        engine.authorizer(authorizer);
    }

    void unsetAuthorizer(Authorizer authorizer) {
        if (engine.authorizer() == authorizer) {
            engine.authorizer(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRemoteRoutes(RemoteRoutes link) {
        engine.remoteRoutes(link);
    }

    void unsetRemoteRoutes(RemoteRoutes link) {
        if (engine.remoteRoutes() == link) {
            engine.remoteRoutes(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMessageHandler(MessageHandler handler, Map<String, Object> properties) {
        engine.messages().add(handler, properties);
    }

    void removeMessageHandler(MessageHandler handler) {
        engine.messages().remove(handler);
    }

    @Override
    public int publish(String subject, String replyTo, Map<String, String> headers, byte[] payload) {
        return engine.publish(subject, replyTo, headers, payload);
    }

    @Override
    public Subscription subscribe(String pattern, String queueGroup, MessageListener listener) {
        return engine.subscribe(pattern, queueGroup, listener);
    }
}
