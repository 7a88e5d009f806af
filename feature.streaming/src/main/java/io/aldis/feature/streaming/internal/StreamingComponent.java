package io.aldis.feature.streaming.internal;

import io.aldis.feature.streaming.internal.stats.StreamingStats;
import io.aldis.feature.streaming.internal.stats.StreamingView;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.stream.SizeFunction;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The streaming feature in Karaf: registers the handler of the STREAM_* frames (announcing the
 * {@code streams} capability while it is registered), the {@link CallStreams} the RPC feature
 * opens streams through, and the {@link StreamAdmin} of its shell commands; follows the
 * {@link SizeFunction} services by their {@value SizeFunction#NAME_PROPERTY}; publishes its counters
 * over JMX; and applies configuration changes of PID {@value #PID} live. When it stops, every open
 * stream ends with STREAM_ERROR {@code CAPABILITY_UNAVAILABLE} and no session is closed.
 */
@Component(service = {}, immediate = true, configurationPid = StreamingComponent.PID)
@Designate(ocd = StreamingConfig.class)
public final class StreamingComponent implements StreamAdmin {
    static final String PID = "io.aldis.feature.streaming";
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final Map<String, SizeFunction> sizeFunctions = new ConcurrentHashMap<>();
    private final StreamingEngine engine;
    private final StreamingStats jmx;
    private final ServiceRegistration<FrameHandler> frames;
    private final ServiceRegistration<CallStreams> callStreams;
    private final ServiceRegistration<StreamAdmin> admin;

    /**
     * Starts the feature; a rejected configuration is logged in one line and the feature runs with
     * the defaults, rather than not at all.
     */
    @Activate
    public StreamingComponent(BundleContext context, Map<String, Object> properties) {
        StreamingSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; streaming runs with the defaults", e.getMessage());
            settings = StreamingSettings.defaults();
        }
        engine = new StreamingEngine(settings, sizeFunctions::get);
        jmx = StreamingStats.register(engine.view());
        frames = context.registerService(FrameHandler.class, engine.frames(), capability());
        callStreams = context.registerService(CallStreams.class, engine.callStreams(), null);
        admin = context.registerService(StreamAdmin.class, this, null);
    }

    private static Dictionary<String, Object> capability() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(FrameHandler.CAPABILITY, "streams");
        return properties;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSizeFunction(SizeFunction function, Map<String, Object> properties) {
        Object name = properties.get(SizeFunction.NAME_PROPERTY);
        if (name == null || name.toString().isBlank()) {
            LOG.log(System.Logger.Level.WARNING, "A size function without the property {0} is ignored: {1}",
                    SizeFunction.NAME_PROPERTY, function.getClass().getName());
            return;
        }
        sizeFunctions.put(name.toString(), function);
    }

    void removeSizeFunction(SizeFunction function, Map<String, Object> properties) {
        Object name = properties.get(SizeFunction.NAME_PROPERTY);
        if (name != null) {
            sizeFunctions.remove(name.toString(), function);
        }
    }

    /** Applies a changed configuration; a rejected one is logged in one line and the settings in force stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        StreamingSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        engine.update(settings);
    }

    /** Reads the settings; a key streaming does not know is most likely misspelt, and is reported. */
    static StreamingSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        StreamingSettings settings = StreamingSettings.from(values);
        values.warnUnknownKeys(StreamingSettings.KEYS, LOG);
        return settings;
    }

    @Deactivate
    void deactivate() {
        // No stream opens once CallStreams is gone; the open ones end while their frames still reach them.
        unregister(callStreams);
        unregister(admin);
        engine.close();
        unregister(frames);
        if (jmx != null) {
            jmx.close();
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and took its registrations with it
        }
    }

    @Override
    public StreamingView view() {
        return engine.view();
    }

    @Override
    public boolean cancel(long streamId) {
        return engine.streams().cancel(streamId);
    }
}
