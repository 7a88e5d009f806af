package io.aldis.node.core.internal.jmx;

/** One transport's traffic as JMX shows it: a composite with one labelled item per getter. */
public final class TrafficRow {
    private final String transport;
    private final long framesIn;
    private final long framesOut;
    private final long bytesIn;
    private final long bytesOut;

    public TrafficRow(String transport, long framesIn, long framesOut, long bytesIn, long bytesOut) {
        this.transport = transport;
        this.framesIn = framesIn;
        this.framesOut = framesOut;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
    }

    public String getTransport() {
        return transport;
    }

    public long getFramesIn() {
        return framesIn;
    }

    public long getFramesOut() {
        return framesOut;
    }

    public long getBytesIn() {
        return bytesIn;
    }

    public long getBytesOut() {
        return bytesOut;
    }
}
