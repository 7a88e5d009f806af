package io.aldis.feature.filetransfer.internal;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.TransferPolicy;
import io.aldis.feature.filetransfer.internal.stats.FilesStats;
import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.SystemEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
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
 * The file-transfer feature in Karaf: registers the handler of the file-transfer frames, which
 * announces the capabilities {@code file_transfer} and {@code lz4} and the file limits while it is
 * registered, over the {@link FileStore} another bundle registers or else the local one under the
 * storage root; applies configuration
 * changes of PID {@value #PID} live (a new storage root applies when the feature restarts). When
 * it stops, every transfer stops at a checkpoint from which a later session of its user resumes it.
 */
@Component(service = {}, immediate = true, configurationPid = FilesComponent.PID)
@Designate(ocd = FilesConfig.class)
public final class FilesComponent {
    static final String PID = "io.aldis.files";
    private static final System.Logger LOG = System.getLogger("io.aldis.files");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Authorizer authorizer;

    /** Where $sys.file.* events go while pub/sub runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SystemEvents systemEvents;

    private final FilesEngine engine;
    private ClusterLocks clusterLocks;
    private final ServiceRegistration<FrameHandler> frames;
    private final ServiceRegistration<FilesAdmin> admin;
    private final FilesStats jmx;

    /** Starts the feature; a rejected configuration is logged in one line and the defaults apply. */
    @Activate
    public FilesComponent(BundleContext context, Map<String, Object> properties,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            FileStore provided) throws IOException {
        FilesSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; file transfer runs with the defaults", e.getMessage());
            settings = FilesSettings.defaults("");
        }
        // Another bundle's store, when one is registered, replaces the local one; the component is
        // then restarted, and transfers park at their checkpoints as they do for any restart.
        FileStore store = provided != null ? provided : new LocalFileStore(root(context, settings));
        engine = new FilesEngine(settings, store, () -> authorizer, Clock.systemUTC(),
                new SysFileEvents(() -> systemEvents));
        Hashtable<String, Object> capability = new Hashtable<>();
        capability.put(FrameHandler.CAPABILITY, new String[] {"file_transfer", "lz4"});
        frames = context.registerService(FrameHandler.class, engine.frames(), capability);
        admin = context.registerService(FilesAdmin.class, engine, null);
        jmx = FilesStats.register(engine.counters(), engine.context().transfers());
    }

    /**
     * The cluster's locks while the node is in a cluster: nodes that share the storage root then
     * publish a name and sweep a checkpoint one at a time.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setClusterLocks(ClusterLocks locks) {
        clusterLocks = locks;
        engine.clusterLocks(locks);
    }

    synchronized void unsetClusterLocks(ClusterLocks locks) {
        // A replacement is set before the one it replaces is unset.
        if (clusterLocks == locks) {
            clusterLocks = null;
            engine.clusterLocks(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPolicy(TransferPolicy policy) {
        engine.context().policies().add(policy);
    }

    void removePolicy(TransferPolicy policy) {
        engine.context().policies().remove(policy);
    }

    /** The storage root: the configured one, or {@code aldis/files} under Karaf's data directory. */
    private static Path root(BundleContext context, FilesSettings settings) {
        if (!settings.storageRoot().isEmpty()) {
            return Path.of(settings.storageRoot());
        }
        String data = context.getProperty("karaf.data");
        return Path.of(data != null ? data : "data", "aldis", "files");
    }

    @Modified
    void modified(Map<String, Object> properties) {
        FilesSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        if (!settings.storageRoot().equals(engine.settings().storageRoot())) {
            LOG.log(System.Logger.Level.WARNING, "storageRoot changes when the file-transfer feature restarts");
        }
        engine.update(settings);
    }

    static FilesSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        FilesSettings settings = FilesSettings.from(values);
        values.warnUnknownKeys(FilesSettings.KEYS, LOG);
        return settings;
    }

    @Deactivate
    void deactivate() {
        unregister(admin);
        unregister(frames);
        engine.close();
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
}
