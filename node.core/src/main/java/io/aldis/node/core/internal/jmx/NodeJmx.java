package io.aldis.node.core.internal.jmx;

import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionStats;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The node's MBeans in the platform MBean server, all named {@code io.aldis:type=...,name=<node
 * name>}: the node, its sessions, its authentication attempts, its traffic per transport and its listeners. They read the node's live state on each call.
 * Each is an object of its own, since the MBean server registers an MXBean object only once.
 */
public final class NodeJmx {
    private static final System.Logger LOG = System.getLogger("io.aldis.node");

    private final SessionRegistry registry;
    private final Supplier<String> nodeName;
    private final ListenersMXBean listeners;
    private final Instant startedAt = Instant.now();
    private final List<ObjectName> registered = new ArrayList<>();
    private final AuthenticationMXBean authentication;
    private final TrafficMXBean traffic;

    public NodeJmx(SessionRegistry registry, Supplier<String> nodeName, ListenersMXBean listeners,
            AuthenticationMXBean authentication, TrafficMXBean traffic) {
        this.registry = registry;
        this.authentication = authentication;
        this.traffic = traffic;
        this.nodeName = nodeName;
        this.listeners = listeners;
    }

    /** The name of one of the node's MBeans. */
    public static ObjectName objectName(String type, String nodeName) throws JMException {
        return new ObjectName("io.aldis:type=" + type + ",name=" + ObjectName.quote(nodeName));
    }

    /** Registers the beans, replacing stale ones of an earlier instance of the node. */
    public synchronized void register() {
        String name = nodeName.get();
        register("node", name, new DescribedMXBean<>(new NodeMXBean() {
            @Override
            public String getName() {
                return nodeName.get();
            }

            @Override
            public int getOpenSessions() {
                return registry.sessions().size();
            }

            @Override
            public int getAuthenticatedSessions() {
                return (int) registry.sessions().stream().filter(s -> s.user() != null).count();
            }

            @Override
            public long getUptimeSeconds() {
                return Duration.between(startedAt, Instant.now()).getSeconds();
            }
        }, NodeMXBean.class, "The Aldis node", Map.of(
                "Name", "The node name announced in CONNECT_ACK",
                "OpenSessions", "Open sessions, in any state",
                "AuthenticatedSessions", "Open sessions that have authenticated",
                "UptimeSeconds", "Seconds since the node started")));
        register("sessions", name, new DescribedMXBean<>((SessionsMXBean) this::sessions, SessionsMXBean.class,
                "The node's open sessions, one row each", Map.of(
                        "Sessions", "Open sessions, oldest first: id, user, transport, remote address, age in "
                                + "seconds, bytes in and out, state")));
        register("authentication", name, new DescribedMXBean<>(authentication, AuthenticationMXBean.class,
                "Authentication attempts and their throttling since the node started", Map.of(
                        "JudgedAttempts", "Attempts whose verdict was given",
                        "FailedAttempts", "Judged attempts that failed: wrong password, unknown user, bad proof",
                        "ThrottledAttempts", "Attempts that waited for their turn or came while their user or "
                                + "address had failed lately",
                        "RefusedAttempts", "Attempts refused unjudged because their turn would have come too late")));
        register("traffic", name, new DescribedMXBean<>(traffic, TrafficMXBean.class,
                "Frames and bytes per transport since the node started", Map.of(
                        "Transports", "Per transport: frames and bytes received and sent, by the sessions open now "
                                + "and those that have ended")));
        register("listeners", name, new DescribedMXBean<>(listeners, ListenersMXBean.class,
                "The listeners of every installed transport", Map.of(
                        "Listeners", "Listeners with the settings in force: name, transport, host, port, TLS, "
                                + "connections, maximum, and the problem when its file was rejected or it "
                                + "does not listen")));
    }

    private void register(String type, String name, Object bean) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = objectName(type, name);
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
            server.registerMBean(bean, objectName);
            registered.add(objectName);
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register the MBean io.aldis:type=" + type + ": "
                    + e.getMessage());
        }
    }

    public synchronized void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException alreadyGone) {
                // nothing to undo
            }
        }
        registered.clear();
    }

    /** The open sessions, oldest first. */
    List<SessionRow> sessions() {
        Instant now = Instant.now();
        List<SessionRow> rows = new ArrayList<>();
        for (Session s : registry.sessions().stream().sorted(Comparator.comparing(Session::openedAt)).toList()) {
            SessionStats stats = registry.stats(s);
            InetSocketAddress remote = s.connection().remoteAddress();
            rows.add(new SessionRow(s.id().toString(), s.user() == null ? "" : s.user().name(),
                    s.connection().transport() + "/" + s.connection().listener(),
                    remote == null ? "" : remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                    Duration.between(s.openedAt(), now).getSeconds(), stats.bytesIn(), stats.bytesOut(),
                    s instanceof NodeSession ours ? ours.pendingBytes() : 0, String.valueOf(s.state())));
        }
        return rows;
    }
}
