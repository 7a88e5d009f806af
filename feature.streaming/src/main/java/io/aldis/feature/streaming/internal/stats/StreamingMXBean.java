package io.aldis.feature.streaming.internal.stats;

/**
 * The streaming counters over JMX, registered as {@value StreamingStats#OBJECT_NAME}: the same
 * figures as {@code aldis:stream-list} totals.
 */
public interface StreamingMXBean {
    /** Streams open now. */
    long getOpen();

    /** Streams open now whose connection broke, waiting for their client to resume its session. */
    long getAwaitingResume();

    /** Streams opened since the feature started. */
    long getOpenedTotal();

    /** Items the node sent to callers. */
    long getItemsSent();

    /** Bytes of the items the node sent. */
    long getBytesSent();

    /** Items the node received from callers. */
    long getItemsReceived();

    /** Bytes of the items the node received. */
    long getBytesReceived();

    /** Items callers sent beyond their credit (STREAM_CREDIT_EXCEEDED). */
    long getCreditExceeded();

    /** Streams cancelled by their caller or an operator. */
    long getCancelled();

    /** Streams that ended with an error other than a cancel. */
    long getFailed();
}
