package io.aldis.feature.filetransfer.internal;

/** What the feature tells others of; the component publishes it, tests may record it. */
public interface FileEvents {
    FileEvents NONE = new FileEvents() {
    };

    default void uploaded(String user, String name, long size) {
    }

    default void downloaded(String user, String name, long size) {
    }

    default void removed(String user, String name) {
    }

    default void failed(String user, String name, String direction, int code, String reason) {
    }
}
