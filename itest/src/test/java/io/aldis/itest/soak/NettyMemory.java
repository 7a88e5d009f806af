package io.aldis.itest.soak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

/**
 * Netty's own count of its direct memory, which the JVM's direct buffer pool does not see when
 * Netty allocates without the JDK's cleaner.
 */
public final class NettyMemory implements NettyMemoryMBean {
    public static final String OBJECT_NAME = "io.aldis.soak:type=netty";

    @Override
    public long getUsedDirectMemory() {
        return PlatformDependent.usedDirectMemory();
    }

    @Override
    public long getAllocatorDirectMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory()
                : -1;
    }
}
