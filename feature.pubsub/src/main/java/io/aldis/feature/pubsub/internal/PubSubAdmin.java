package io.aldis.feature.pubsub.internal;

/** Internal service through which the feature's own shell commands reach the running engine. */
public interface PubSubAdmin {
    PubSubEngine engine();
}
