package io.aldis.node.core.internal.jmx;

/** One listener as JMX shows it: a composite with one labelled item per getter. */
public final class ListenerRow {
    private final String name;
    private final String transport;
    private final String host;
    private final int port;
    private final boolean secure;
    private final int connections;
    private final int maxConnections;
    private final String problem;

    public ListenerRow(String name, String transport, String host, int port, boolean secure, int connections,
            int maxConnections, String problem) {
        this.name = name;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.secure = secure;
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.problem = problem;
    }

    public String getName() {
        return name;
    }

    public String getTransport() {
        return transport;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public boolean isSecure() {
        return secure;
    }

    public int getConnections() {
        return connections;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    /** Why the listener's file was rejected or it does not listen; empty when all is well. */
    public String getProblem() {
        return problem;
    }
}
