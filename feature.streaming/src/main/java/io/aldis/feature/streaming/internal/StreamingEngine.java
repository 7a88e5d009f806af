package io.aldis.feature.streaming.internal;

import io.aldis.feature.streaming.internal.frames.StreamFrames;
import io.aldis.feature.streaming.internal.stats.StreamingView;
import io.aldis.feature.streaming.internal.streams.SizeFunctions;
import io.aldis.feature.streaming.internal.streams.Streams;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.stream.CallStreams;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streaming feature without OSGi: the streams of calls ({@link CallStreams} for the RPC
 * feature), the handler of their frames, the pool that talks to services, and what operators see.
 * The component wires it into Karaf; tests build it directly.
 */
public final class StreamingEngine implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Streams streams;
    private final StreamFrames frames;

    public StreamingEngine(StreamingSettings settings, SizeFunctions sizeFunctions) {
        this.pool = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads());
        pool.allowCoreThreadTimeOut(true);
        this.streams = new Streams(settings, sizeFunctions, pool);
        this.frames = new StreamFrames(streams);
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "aldis-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What the RPC feature opens streams through. */
    public CallStreams callStreams() {
        return streams;
    }

    /** The handler of the STREAM_* frames, to register with capability {@code streams}. */
    public FrameHandler frames() {
        return frames;
    }

    /** The streams, for operators. */
    public Streams streams() {
        return streams;
    }

    public StreamingView view() {
        return streams.view();
    }

    /** Applies changed settings: limits for new streams, the turn size and pool size at once. */
    public void update(StreamingSettings settings) {
        streams.update(settings);
        if (settings.workerThreads() > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(settings.workerThreads());
            pool.setCorePoolSize(settings.workerThreads());
        } else {
            pool.setCorePoolSize(settings.workerThreads());
            pool.setMaximumPoolSize(settings.workerThreads());
        }
    }

    /**
     * Stops: every open stream ends with STREAM_ERROR {@code CAPABILITY_UNAVAILABLE} and its call
     * fails; sessions stay open. Call after withdrawing {@link #callStreams()} and before
     * withdrawing {@link #frames()}, so that no stream opens meanwhile and the caller's last frames
     * still find their stream.
     */
    @Override
    public void close() {
        streams.stop();
        pool.shutdown();
    }
}
