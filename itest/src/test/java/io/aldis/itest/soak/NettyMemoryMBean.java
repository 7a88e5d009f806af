package io.aldis.itest.soak;

/** What {@link NettyMemory} shows over JMX. */
public interface NettyMemoryMBean {
    /** Direct memory Netty has taken from the JVM, pooled or not; -1 when Netty does not count it. */
    long getUsedDirectMemory();

    /** Direct memory held by Netty's default allocator, in use or kept in its pools. */
    long getAllocatorDirectMemory();
}
