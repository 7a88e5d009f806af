package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.api.StreamStats;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.stream.CallStreams;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
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
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The RPC feature in Karaf: registers the engine's own {@link FrameHandler} for the RPC frame
 * types (announcing the {@code rpc} capability while it is registered), so the node reaches every
 * method of the handler contract, exports every service that carries
 * {@value RpcConstants#SERVICE}, asks the {@link Authorizer} if one is installed, and publishes
 * its counters over JMX. While it runs it also registers {@link LocalCalls}, and sends calls to other
 * nodes through the {@link RemoteCalls} a bundle that links nodes registers, if any.
 */
@Component(service = RpcRegistry.class, immediate = true, configurationPid = RpcComponent.PID)
@Designate(ocd = RpcConfig.class)
public final class RpcComponent implements RpcRegistry {
    static final String PID = "io.aldis.feature.rpc";
    private static final System.Logger LOG = System.getLogger("io.aldis.rpc");

    private final RpcEngine engine;
    private final ServiceTracker<Object, Export> exported;
    private final ServiceRegistration<FrameHandler> frames;
    private final ServiceRegistration<LocalCalls> localCalls;
    private final RpcStats jmx;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Authorizer authorizer;

    /** The streaming feature's streams, while it is installed; without it streaming methods answer batches. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CallStreams streams;

    /**
     * Starts the feature; a rejected configuration is logged in one line and the feature runs with
     * the defaults, rather than not at all.
     */
    @Activate
    public RpcComponent(BundleContext context, Map<String, Object> properties) throws InvalidSyntaxException {
        RpcSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; RPC runs with the defaults", e.getMessage());
            settings = RpcSettings.defaults();
        }
        this.engine = new RpcEngine(settings, () -> authorizer, () -> streams);
        this.exported = new ServiceTracker<>(context, context.createFilter("(" + RpcConstants.SERVICE + "=*)"),
                new ServiceTrackerCustomizer<>() {
                    @Override
                    public Export addingService(ServiceReference<Object> reference) {
                        Object service = context.getService(reference);
                        if (service == null) {
                            return null;
                        }
                        Export export = new Export(service);
                        export.handle = engine.addService(service, properties(reference), origin(reference));
                        return export;
                    }

                    @Override
                    public void modifiedService(ServiceReference<Object> reference, Export export) {
                        // the name or the interfaces may have changed: withdraw and export again
                        engine.removeService(export.handle);
                        export.handle = engine.addService(export.service, properties(reference), origin(reference));
                    }

                    @Override
                    public void removedService(ServiceReference<Object> reference, Export export) {
                        engine.removeService(export.handle);
                        context.ungetService(reference);
                    }
                });
        exported.open(true);
        this.frames = context.registerService(FrameHandler.class, engine.frames(), frameHandlerProperties());
        this.jmx = RpcStats.register(engine.registry(), engine::histograms);
        this.localCalls = context.registerService(LocalCalls.class, engine.localCalls(), null);
    }

    /** The other nodes, while a bundle links this node to them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRemoteCalls(RemoteCalls remoteCalls) {
        engine.remoteCalls(remoteCalls);
    }

    void unsetRemoteCalls(RemoteCalls remoteCalls) {
        // A replacement, if any, was set before this is called (greedy, dynamic): keep it.
        engine.clearRemoteCalls(remoteCalls);
    }

    private static Dictionary<String, Object> frameHandlerProperties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(FrameHandler.CAPABILITY, "rpc");
        return properties;
    }

    /** A tracked service and the engine's handle of its export (null when it could not be exported). */
    private static final class Export {
        final Object service;
        volatile Object handle;

        Export(Object service) {
            this.service = service;
        }
    }

    private static String origin(ServiceReference<?> reference) {
        return reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName();
    }

    private static Map<String, Object> properties(ServiceReference<?> reference) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            properties.put(key, reference.getProperty(key));
        }
        return properties;
    }

    /** Applies a changed configuration; a rejected one is logged in one line and the settings in force stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        RpcSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        engine.update(settings);
    }

    /** Reads the settings; a key RPC does not know is most likely misspelt, and is reported. */
    static RpcSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        RpcSettings settings = RpcSettings.from(values);
        values.warnUnknownKeys(RpcSettings.KEYS, LOG);
        return settings;
    }

    @Deactivate
    void deactivate() {
        if (jmx != null) {
            jmx.close();
        }
        try {
            localCalls.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and took its registrations with it
        }
        try {
            frames.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and took its registrations with it
        }
        exported.close();
        engine.close();
    }

    @Override
    public List<ServiceInfo> services() {
        return engine.registry().services();
    }

    @Override
    public CompletableFuture<String> call(String method, String paramsJson, Duration timeout) {
        return engine.registry().call(method, paramsJson, timeout);
    }

    @Override
    public List<MethodStats> stats() {
        return engine.registry().stats();
    }

    @Override
    public List<StreamStats> streamStats() {
        return engine.registry().streamStats();
    }
}
