package io.aldis.node.core.internal.jmx;

/** One session as JMX shows it: a composite with one labelled item per getter. */
public final class SessionRow {
    private final String id;
    private final String user;
    private final String transport;
    private final String remote;
    private final long ageSeconds;
    private final long bytesIn;
    private final long bytesOut;
    private final long pendingBytes;
    private final String state;

    public SessionRow(String id, String user, String transport, String remote, long ageSeconds, long bytesIn,
            long bytesOut, long pendingBytes, String state) {
        this.id = id;
        this.user = user;
        this.transport = transport;
        this.remote = remote;
        this.ageSeconds = ageSeconds;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.pendingBytes = pendingBytes;
        this.state = state;
    }

    public String getId() {
        return id;
    }

    public String getUser() {
        return user;
    }

    public String getTransport() {
        return transport;
    }

    public String getRemote() {
        return remote;
    }

    public long getAgeSeconds() {
        return ageSeconds;
    }

    public long getBytesIn() {
        return bytesIn;
    }

    public long getBytesOut() {
        return bytesOut;
    }

    /** Bytes written for the client that it has not read yet, waiting in the node's send buffer. */
    public long getPendingBytes() {
        return pendingBytes;
    }

    public String getState() {
        return state;
    }
}
