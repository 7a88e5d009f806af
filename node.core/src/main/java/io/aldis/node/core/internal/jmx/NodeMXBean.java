package io.aldis.node.core.internal.jmx;

/** JMX view of the node ({@code io.aldis:type=node,name=<node name>}). */
public interface NodeMXBean {
    /** The node name announced in CONNECT_ACK. */
    String getName();

    /** Open sessions, in any state. */
    int getOpenSessions();

    /** Open sessions that have authenticated. */
    int getAuthenticatedSessions();

    /** Seconds since the node started. */
    long getUptimeSeconds();
}
