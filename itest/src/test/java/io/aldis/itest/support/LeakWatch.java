package io.aldis.itest.support;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reports a leaked buffer while it runs. Leak detection is set to
 * paranoid for the whole test JVM; this records every report instead of only logging it.
 * Use it on a test class with {@code @ExtendWith(LeakWatch.class)}.
 */
public final class LeakWatch implements BeforeAllCallback, AfterAllCallback {
    static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + records);
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType);
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // Leaks are found when leaked buffers are collected and a later allocation polls the queue.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(1).release();
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty reported leaked buffers:\n" + String.join("\n", LEAKS));
        }
    }
}
