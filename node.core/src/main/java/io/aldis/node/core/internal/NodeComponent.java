package io.aldis.node.core.internal;

import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.node.core.internal.jmx.NodeAuthentication;
import io.aldis.node.core.internal.jmx.NodeJmx;
import io.aldis.node.core.internal.jmx.NodeTraffic;
import io.aldis.node.core.internal.jmx.RegisteredListeners;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.auth.CredentialRevocation;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionStats;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.osgi.framework.BundleContext;
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
 * Publishes the {@link Node} in the service registry: transports find it as the
 * {@link ConnectionAcceptor}, operators' commands as the {@link SessionRegistry}, the user store as
 * the {@link CredentialRevocation} that revokes resume tokens; authentication
 * mechanisms and feature frame handlers come and go through the whiteboard.
 */
@Component(service = {ConnectionAcceptor.class, SessionRegistry.class, CredentialRevocation.class},
        configurationPid = "io.aldis.node", immediate = true)
@Designate(ocd = NodeConfig.class)
public final class NodeComponent implements ConnectionAcceptor, SessionRegistry, CredentialRevocation {
    static final String PID = "io.aldis.node";
    private static final System.Logger LOG = System.getLogger("io.aldis.node");

    private final Node node;
    private volatile NodeSettings inForce;
    private final NodeJmx jmx;

    /**
     * Starts the node; a rejected configuration is logged in one line and the node runs with the
     * defaults, rather than not at all.
     */
    @Activate
    public NodeComponent(Map<String, Object> properties, BundleContext context) {
        NodeSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the node runs with the defaults", e.getMessage());
            settings = NodeSettings.defaults();
        }
        this.inForce = settings;
        this.node = new Node(settings);
        this.jmx = new NodeJmx(this, () -> inForce.name(), new RegisteredListeners(context),
                new NodeAuthentication(node), new NodeTraffic(node));
        jmx.register();
    }

    /** Applies a changed configuration; a rejected one is logged in one line and the settings in force stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        NodeSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        if (settings.workerThreads() != inForce.workerThreads()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: workerThreads = {1} applies when the node restarts "
                    + "(bundle:restart io.aldis.node.core); the pool keeps its size until then", PID,
                    settings.workerThreads());
        }
        boolean renamed = !settings.name().equals(inForce.name());
        inForce = settings;
        node.update(settings);
        if (renamed) {
            // The MBeans are named after the node.
            jmx.unregister();
            jmx.register();
        }
    }

    /** Reads the settings; a key the node does not know is most likely misspelt, and is reported. */
    static NodeSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        NodeSettings settings = NodeSettings.from(values);
        values.warnUnknownKeys(NodeSettings.KEYS, LOG);
        return settings;
    }

    @Deactivate
    void deactivate() {
        jmx.unregister();
        node.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMechanism(AuthenticationMechanism mechanism, Map<String, Object> properties) {
        Object ranking = properties.get("service.ranking");
        node.addMechanism(mechanism, ranking instanceof Integer r ? r : 0);
    }

    void removeMechanism(AuthenticationMechanism mechanism) {
        node.removeMechanism(mechanism);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHandler(FrameHandler handler, Map<String, Object> properties) {
        node.addHandler(handler, properties);
    }

    void removeHandler(FrameHandler handler) {
        node.removeHandler(handler);
    }

    /** A feature's shared token store (the cluster's); the node's own memory while there is none. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setTokenStore(ResumeTokenStore store) {
        node.tokenStore(store);
    }

    void unsetTokenStore(ResumeTokenStore store) {
        if (node.tokenStoreIs(store)) {
            node.tokenStore(null);
        }
    }

    /** The cluster's client addresses, passed on to clients; none while the node is alone. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setClientAddressBook(ClientAddressBook book) {
        node.clientAddressBook(book);
    }

    void unsetClientAddressBook(ClientAddressBook book) {
        if (node.clientAddressBookIs(book)) {
            node.clientAddressBook(null);
        }
    }

    @Override
    public void accept(TransportConnection connection) {
        node.accept(connection);
    }

    @Override
    public long authTimeoutMillis() {
        return node.authTimeoutMillis();
    }

    @Override
    public Collection<Session> sessions() {
        return node.sessions();
    }

    @Override
    public Optional<Session> find(UUID id) {
        return node.find(id);
    }

    @Override
    public SessionStats stats(Session session) {
        return node.stats(session);
    }

    @Override
    public boolean kill(UUID id, boolean revokeToken) {
        return node.kill(id, revokeToken);
    }

    @Override
    public int supersede(String resumeKey) {
        return node.supersede(resumeKey);
    }

    @Override
    public int credentialsChanged(String user) {
        return node.credentialsChanged(user);
    }
}
