package io.aldis.protocol.api.spi.node;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's system events (docs/protocol.md 6.2, system events), registered as a service by the
 * feature that publishes them on {@code $sys.} subjects while it runs, so that other features can
 * announce their own events without depending on it. An event nobody subscribed to costs a lookup;
 * nothing is published while the node's system events are switched off.
 */
@ProviderType
public interface SystemEvents {
    /**
     * Publishes {@code $sys.<name>}: a JSON object with {@code event} (the name), {@code time} and
     * {@code fields} (strings, numbers, booleans or null). Never blocks; thread-safe.
     */
    void publish(String name, Map<String, Object> fields);
}
