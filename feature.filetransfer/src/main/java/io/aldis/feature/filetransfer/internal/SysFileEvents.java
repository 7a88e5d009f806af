package io.aldis.feature.filetransfer.internal;

import io.aldis.protocol.api.spi.node.SystemEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The feature's events as {@code $sys.file.*} system events, while a feature publishes system
 * events (pub/sub); without one they go nowhere.
 */
public final class SysFileEvents implements FileEvents {
    private final Supplier<SystemEvents> sink;

    public SysFileEvents(Supplier<SystemEvents> sink) {
        this.sink = sink;
    }

    @Override
    public void uploaded(String user, String name, long size) {
        publish("file.uploaded", fields(user, name, size));
    }

    @Override
    public void downloaded(String user, String name, long size) {
        publish("file.downloaded", fields(user, name, size));
    }

    @Override
    public void removed(String user, String name) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user", user);
        fields.put("name", name);
        publish("file.removed", fields);
    }

    @Override
    public void failed(String user, String name, String direction, int code, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user", user);
        fields.put("name", name);
        fields.put("direction", direction);
        fields.put("code", code);
        fields.put("reason", reason);
        publish("file.transfer-failed", fields);
    }

    private static Map<String, Object> fields(String user, String name, long size) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user", user);
        fields.put("name", name);
        fields.put("size", size);
        return fields;
    }

    private void publish(String name, Map<String, Object> fields) {
        SystemEvents events = sink.get();
        if (events != null) {
            events.publish(name, fields);
        }
    }
}
