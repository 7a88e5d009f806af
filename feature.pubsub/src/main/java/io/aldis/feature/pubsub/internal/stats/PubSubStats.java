package io.aldis.feature.pubsub.internal.stats;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link PubSubMXBean} over a {@link PubSubView}, registered in the platform MBean server while the feature runs. */
public final class PubSubStats implements PubSubMXBean {
    /** The name it is registered under. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=pubsub";

    private static final System.Logger LOG = System.getLogger("io.aldis.pubsub");

    private final PubSubView view;
    private ObjectName registered;

    public PubSubStats(PubSubView view) {
        this.view = view;
    }

    /** Registers in the platform MBean server, replacing a stale registration of an earlier instance. */
    public synchronized void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
            registered = name;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register the pub/sub MBean", e);
        }
    }

    public synchronized void unregister() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException ignored) {
                // already gone
            }
            registered = null;
        }
    }

    @Override
    public Map<String, Long> getCounters() {
        return view.counters();
    }

    @Override
    public long getPublished() {
        return counter("published");
    }

    @Override
    public long getDelivered() {
        return counter("delivered");
    }

    @Override
    public long getDropped() {
        return counter("dropped");
    }

    @Override
    public long getRateLimited() {
        return counter("rateLimited");
    }

    @Override
    public long getSlowConsumers() {
        return counter("slowConsumers");
    }

    @Override
    public long getSubscriptions() {
        return counter("subscriptions");
    }

    @Override
    public long getSessions() {
        return counter("sessions");
    }

    @Override
    public long getMessages() {
        return counter("messages");
    }

    @Override
    public String[] listSubscriptions() {
        return view.subscriptions().stream()
                .map(s -> String.join(" ", s.owner(), Long.toString(s.id()), s.pattern(),
                        s.queueGroup().isEmpty() ? "-" : s.queueGroup(), s.policy(), Long.toString(s.budgetBytes()),
                        Long.toString(s.pendingBytes()), Long.toString(s.delivered()), Long.toString(s.dropped())))
                .toArray(String[]::new);
    }

    @Override
    public String[] listSessions() {
        return view.sessions().stream()
                .map(s -> String.join(" ", s.sessionId().toString(), s.user(), Integer.toString(s.subscriptions()),
                        Long.toString(s.published()), Long.toString(s.delivered()), Long.toString(s.dropped()),
                        Long.toString(s.rateLimited()), Long.toString(s.errors())))
                .toArray(String[]::new);
    }

    @Override
    public String[] listTopics() {
        return view.topics().stream()
                .map(t -> String.join(" ", t.subject(), Long.toString(t.messages()), Long.toString(t.bytes()),
                        String.format(java.util.Locale.ROOT, "%.1f", t.ratePerSecond()), Integer.toString(t.subscribers())))
                .toArray(String[]::new);
    }

    private long counter(String name) {
        return view.counters().getOrDefault(name, 0L);
    }
}
