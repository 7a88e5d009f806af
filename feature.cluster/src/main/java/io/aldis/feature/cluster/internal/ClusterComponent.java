package io.aldis.feature.cluster.internal;

import io.aldis.feature.cluster.internal.addresses.ClientAddressSyntax;
import io.aldis.feature.cluster.internal.addresses.ListenerAddresses;
import io.aldis.feature.cluster.internal.stats.ClusterStats;
import io.aldis.feature.pubsub.spi.LocalRouting;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SystemEvents;
import io.aldis.protocol.api.spi.transport.Listener;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Runs the {@link ClusterEngine} in Karaf as PID {@value #PID} says: joins the cluster when the
 * feature starts (on a thread of its own, since joining takes seconds), links pub/sub while it runs
 * by registering {@link RemoteRoutes} for its {@link LocalRouting}, links RPC the same way
 * ({@link RemoteCalls} for its {@link LocalCalls}), offers {@link ClusterLocks} to the features
 * while it is a member, shares resume tokens with the other nodes by registering a
 * {@link ResumeTokenStore}, tells the node where clients reach every node of the cluster by
 * registering a {@link ClientAddressBook} (announcing this node's own TCP listeners, or the
 * {@code clientAddresses} setting), and leaves the cluster when the
 * feature stops, touching no session. A rejected configuration is logged in one line and the
 * settings in force stay; a node in no cluster says why in {@code aldis:cluster-list}.
 */
@Component(service = ClusterView.class, immediate = true, configurationPid = ClusterComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ClusterConfig.class)
public final class ClusterComponent implements ClusterView {
    static final String PID = "io.aldis.cluster";
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final BundleContext context;
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aldis-cluster-start");
        t.setDaemon(true);
        return t;
    });
    private volatile SystemEvents events;
    private ClusterEngine engine;
    private LocalRouting routing;
    private ServiceRegistration<RemoteRoutes> routesRegistration;
    private LocalCalls localCalls;
    private ServiceRegistration<RemoteCalls> callsRegistration;
    private ServiceRegistration<ClusterLocks> locksRegistration;
    private ServiceRegistration<ResumeTokenStore> tokensRegistration;
    private ServiceRegistration<ClientAddressBook> addressesRegistration;
    /** The clientAddresses setting in force; empty: announce the node's TCP listeners. */
    private volatile List<String> configuredAddresses = List.of();
    private volatile String memberHost = ClusterSettings.DEFAULT_HOST;
    /** The node's listeners that listen now. */
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private volatile SessionRegistry sessions;
    private volatile String problem = "starting";
    private volatile String clusterName = ClusterSettings.DEFAULT_NAME;
    private final ClusterStats jmx;

    @Activate
    public ClusterComponent(Map<String, Object> properties, BundleContext context) {
        this.context = context;
        this.jmx = ClusterStats.register(this);
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    /** Leaves the cluster in force, if any, and joins as the new settings say. */
    private void apply(Map<String, Object> properties) {
        ClusterSettings settings;
        List<String> addresses;
        try {
            ConfigValues values = new ConfigValues(properties, PID);
            values.warnUnknownKeys(ClusterSettings.KEYS, LOG);
            settings = ClusterSettings.from(values);
            addresses = ClientAddressSyntax.read(values);
        } catch (InvalidConfigurationException e) {
            // As everywhere in the node, the settings in force stay: a member stays in its
            // cluster, and a node in none stays standalone and says why.
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the cluster settings in force stay", e.getMessage());
            starter.execute(() -> {
                synchronized (this) {
                    if (engine == null) {
                        problem = "not in a cluster: " + e.getMessage();
                    }
                }
            });
            return;
        }
        starter.execute(() -> {
            configuredAddresses = addresses;
            if (!rejoinNeeded(settings)) {
                // Only where clients reach this node changed: the member stays, its sessions' calls
                // and routes with it, and the cluster hears the new addresses.
                announceAddresses();
                return;
            }
            start(settings);
        });
    }

    /** Whether the member must leave and join again for {@code settings}: they differ from those it runs with. */
    private synchronized boolean rejoinNeeded(ClusterSettings settings) {
        return engine == null || !engine.settings().equals(settings);
    }

    private void start(ClusterSettings settings) {
        stop();
        clusterName = settings.name();
        problem = "joining";
        ClusterEngine started;
        try {
            started = ClusterEngine.start(settings, () -> events);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Could not join cluster {0} as {1}: {2}", settings.name(),
                    settings.nodeName(), e.toString());
            problem = "not in a cluster: " + e.getMessage();
            return;
        }
        synchronized (this) {
            engine = started;
            problem = "";
            relink();
            relinkRpc();
            locksRegistration = context.registerService(ClusterLocks.class, started.locks(), null);
            tokensRegistration = context.registerService(ResumeTokenStore.class,
                    started.resumeTokens(() -> sessions), null);
            memberHost = settings.host();
            announceAddresses();
            addressesRegistration = context.registerService(ClientAddressBook.class, started.clientAddresses(), null);
            started.countSessions(() -> sessions);
        }
        LOG.log(System.Logger.Level.INFO, "Node {0} is in cluster {1} with {2} members", settings.nodeName(),
                settings.name(), started.members().size());
    }

    private void stop() {
        ClusterEngine old;
        synchronized (this) {
            old = engine;
            engine = null;
            unregisterRoutes();
            unregisterCalls();
            unregisterLocks();
            unregisterTokens();
            unregisterAddresses();
        }
        if (old != null) {
            old.close();
        }
    }

    /** Registers the link for pub/sub when both are there, and only then. */
    private void relink() {
        unregisterRoutes();
        if (engine == null) {
            return;
        }
        if (routing == null) {
            engine.unlink();
            return;
        }
        RemoteRoutes routes = engine.link(routing);
        routesRegistration = context.registerService(RemoteRoutes.class, routes, null);
    }

    private void unregisterRoutes() {
        if (routesRegistration != null) {
            try {
                routesRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            routesRegistration = null;
        }
    }

    /** Registers the link for RPC when both are there, and only then. */
    private void relinkRpc() {
        unregisterCalls();
        if (engine == null) {
            return;
        }
        if (localCalls == null) {
            engine.unlinkRpc();
            return;
        }
        RemoteCalls remote = engine.linkRpc(localCalls);
        callsRegistration = context.registerService(RemoteCalls.class, remote, null);
    }

    private void unregisterCalls() {
        if (callsRegistration != null) {
            try {
                callsRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            callsRegistration = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setLocalCalls(LocalCalls calls) {
        localCalls = calls;
        relinkRpc();
    }

    synchronized void unsetLocalCalls(LocalCalls calls) {
        if (localCalls == calls) {
            localCalls = null;
            relinkRpc();
        }
    }

    private void unregisterLocks() {
        if (locksRegistration != null) {
            try {
                locksRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            locksRegistration = null;
        }
    }

    /** The node checks tokens in its own memory again before this member leaves. */
    private void unregisterTokens() {
        if (tokensRegistration != null) {
            try {
                tokensRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            tokensRegistration = null;
        }
    }

    /** The node stops telling clients of the other nodes before this member leaves. */
    private void unregisterAddresses() {
        if (addressesRegistration != null) {
            try {
                addressesRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            addressesRegistration = null;
        }
    }

    /** Tells the cluster where clients reach this node: the setting, or else its TCP listeners. */
    private synchronized void announceAddresses() {
        if (engine == null) {
            return;
        }
        List<String> configured = configuredAddresses;
        engine.clientAddresses().announce(configured.isEmpty() ? ListenerAddresses.of(listeners, memberHost) : configured);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedListener")
    void addListener(Listener listener, Map<String, Object> properties) {
        updatedListener(listener, properties);
    }

    /**
     * A listener's registration changed. A problem alone does not take it off the list: a rejected
     * edit leaves the listener running with the settings it had, so whether it is announced
     * depends on whether it listens.
     */
    void updatedListener(Listener listener, Map<String, Object> properties) {
        if (listener.listening()) {
            listeners.add(listener);
        } else {
            listeners.remove(listener);
        }
        announceAddresses();
    }

    void removeListener(Listener listener) {
        listeners.remove(listener);
        announceAddresses();
    }

    @Deactivate
    void deactivate() {
        if (jmx != null) {
            jmx.close();
        }
        starter.shutdownNow();
        try {
            starter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setLocalRouting(LocalRouting localRouting) {
        routing = localRouting;
        relink();
    }

    synchronized void unsetLocalRouting(LocalRouting localRouting) {
        if (routing == localRouting) {
            routing = null;
            relink();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setSystemEvents(SystemEvents systemEvents) {
        events = systemEvents;
    }

    void unsetSystemEvents(SystemEvents systemEvents) {
        if (events == systemEvents) {
            events = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setSessionRegistry(SessionRegistry registry) {
        sessions = registry;
    }

    void unsetSessionRegistry(SessionRegistry registry) {
        if (sessions == registry) {
            sessions = null;
        }
    }

    // ---------------------------------------------------------------- ClusterView

    @Override
    public synchronized String problem() {
        return engine == null ? problem : engine.problem();
    }

    @Override
    public String clusterName() {
        return clusterName;
    }

    @Override
    public synchronized List<MemberView> members() {
        if (engine == null) {
            return List.of();
        }
        try {
            return engine.members();
        } catch (RuntimeException stopped) {
            // Hazelcast stopped on its own (it shuts down when it cannot go on): no members to show.
            return List.of();
        }
    }

    @Override
    public synchronized Totals totals() {
        if (engine == null) {
            return Totals.NONE;
        }
        return engine.totals();
    }

    @Override
    public synchronized List<RouteView> routes() {
        if (engine == null) {
            return List.of();
        }
        try {
            return engine.routes();
        } catch (RuntimeException stopped) {
            return List.of();
        }
    }
}
