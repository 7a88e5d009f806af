package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Frame;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session's standing requests (the frames through which its client set up subscriptions,
 * provided services and the like), per capability and key. They are protocol records, so they
 * outlive the feature bundle that acted on them and let its next instance set them up again.
 */
final class KeptRequests {
    /** Made on the first request kept, as an idle session has none. */
    private volatile Map<String, Map<String, Frame>> byCapability;

    void keep(String capability, String key, Frame frame) {
        Map<String, Frame> frames = byCapability().computeIfAbsent(capability, c -> new LinkedHashMap<>());
        synchronized (frames) {
            frames.put(key, frame);
        }
    }

    void forget(String capability, String key) {
        Map<String, Map<String, Frame>> all = byCapability;
        Map<String, Frame> frames = all == null ? null : all.get(capability);
        if (frames != null) {
            synchronized (frames) {
                frames.remove(key);
            }
        }
    }

    Map<String, Frame> kept(String capability) {
        Map<String, Map<String, Frame>> all = byCapability;
        Map<String, Frame> frames = all == null ? null : all.get(capability);
        if (frames == null) {
            return Map.of();
        }
        synchronized (frames) {
            return new LinkedHashMap<>(frames);
        }
    }

    private Map<String, Map<String, Frame>> byCapability() {
        Map<String, Map<String, Frame>> all = byCapability;
        if (all == null) {
            synchronized (this) {
                all = byCapability;
                if (all == null) {
                    all = new ConcurrentHashMap<>();
                    byCapability = all;
                }
            }
        }
        return all;
    }
}
