package io.aldis.feature.pubsub.internal;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link PubSubMXBean}, registered in the platform MBean server while the feature runs. */
public final class PubSubStats implements PubSubMXBean {
    /** The name it is registered under. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=pubsub";

    private final PubSubEngine engine;
    private ObjectName registered;

    public PubSubStats(PubSubEngine engine) {
        this.engine = engine;
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
            PubSubEngine.LOG.log(System.Logger.Level.WARNING, "Could not register the pub/sub MBean", e);
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
        return engine.stats();
    }

    @Override
    public long getPublished() {
        return engine.counters.published.sum();
    }

    @Override
    public long getDelivered() {
        return engine.counters.delivered.sum();
    }

    @Override
    public long getDropped() {
        return engine.counters.dropped.sum();
    }

    @Override
    public long getRateLimited() {
        return engine.counters.rateLimited.sum();
    }

    @Override
    public long getSlowConsumers() {
        return engine.counters.slowConsumers.sum();
    }

    @Override
    public long getSubscriptions() {
        return engine.stats().get("subscriptions");
    }

    @Override
    public long getSessions() {
        return engine.stats().get("sessions");
    }

    @Override
    public long getMessages() {
        return engine.counters.messages.sum();
    }

    @Override
    public String[] listSubscriptions() {
        return engine.subscriptions().stream()
                .map(s -> String.join(" ", s.owner(), Long.toString(s.id()), s.pattern(),
                        s.queueGroup().isEmpty() ? "-" : s.queueGroup(), s.policy(), Long.toString(s.budgetBytes()),
                        Long.toString(s.pendingBytes()), Long.toString(s.delivered()), Long.toString(s.dropped())))
                .toArray(String[]::new);
    }

    @Override
    public String[] listSessions() {
        return engine.sessions().stream()
                .map(s -> String.join(" ", s.sessionId().toString(), s.user(), Integer.toString(s.subscriptions()),
                        Long.toString(s.published()), Long.toString(s.delivered()), Long.toString(s.dropped()),
                        Long.toString(s.rateLimited()), Long.toString(s.errors())))
                .toArray(String[]::new);
    }

    @Override
    public String[] listTopics() {
        return engine.topics().stream()
                .map(t -> String.join(" ", t.subject(), Long.toString(t.messages()), Long.toString(t.bytes()),
                        String.format(java.util.Locale.ROOT, "%.1f", t.ratePerSecond()), Integer.toString(t.subscribers())))
                .toArray(String[]::new);
    }
}
