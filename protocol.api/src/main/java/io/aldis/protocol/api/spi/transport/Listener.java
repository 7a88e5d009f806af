package io.aldis.protocol.api.spi.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A running listener, registered as an OSGi service by each transport listener component so
 * that operators can list them ({@code aldis:listener-list}).
 */
@ConsumerType
public interface Listener {
    /**
     * Service property of a registered Listener, present only when something is wrong: why its
     * file was rejected or why it does not listen, in one line for the operator. The listener
     * then runs with the settings it had (or does not run at all, with no connections).
     */
    String PROBLEM_PROPERTY = "aldis.listener.problem";

    /** The configured listener name. */
    String name();

    /** The transport's name, such as {@code tcp}. */
    String transport();

    /** The bound host. */
    String host();

    /** The bound port (the actual one when 0 was configured). */
    int port();

    /** Whether the listener requires TLS. */
    boolean secure();

    /**
     * Whether it accepts connections now. A listener whose changed file was rejected, or that could
     * not bind its new address, keeps listening with the settings it had (and says why in
     * {@link #PROBLEM_PROPERTY}); one that never started does not listen.
     */
    default boolean listening() {
        return true;
    }

    /** Connections open right now. */
    int connections();

    /** The configured maximum number of connections. */
    int maxConnections();

    /**
     * What operators see of a listener whose file was rejected or whose address could not be
     * bound: its name and address and no connections. The transport registers it with the reason
     * in {@link #PROBLEM_PROPERTY}.
     */
    static Listener notListening(String transport, String name, String host, int port) {
        return new NotListening(transport, name, host, port);
    }
}
