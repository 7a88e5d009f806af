package io.aldis.node.core.internal;

import io.aldis.spi.auth.AuthenticationMechanism;
import io.aldis.spi.auth.CredentialRevocation;
import io.aldis.spi.node.FrameHandler;
import io.aldis.spi.node.Session;
import io.aldis.spi.node.SessionRegistry;
import io.aldis.spi.node.SessionStats;
import io.aldis.spi.transport.ConnectionAcceptor;
import io.aldis.spi.transport.TransportConnection;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
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
    private final Node node;

    @Activate
    public NodeComponent(NodeConfig config) {
        this.node = new Node(NodeSettings.from(config));
    }

    @Modified
    void modified(NodeConfig config) {
        node.update(NodeSettings.from(config));
    }

    @Deactivate
    void deactivate() {
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
    public int credentialsChanged(String user) {
        return node.credentialsChanged(user);
    }
}
