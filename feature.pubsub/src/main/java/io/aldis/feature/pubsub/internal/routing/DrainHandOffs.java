package io.aldis.feature.pubsub.internal.routing;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link RemoteDrains} of each event loop that routed messages: a handful per transport, kept
 * for the feature's life, here rather than on the transport's threads so that nothing of this
 * bundle stays behind on them once it stops.
 */
final class DrainHandOffs {
    private final Map<EventLoop, RemoteDrains> byLoop = new ConcurrentHashMap<>();

    /** The drains that {@code loop}'s thread hands to other loops; for that thread only. */
    RemoteDrains of(EventLoop loop) {
        RemoteDrains drains = byLoop.get(loop);
        return drains != null ? drains : byLoop.computeIfAbsent(loop, RemoteDrains::new);
    }
}
