package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import java.util.Map;

/** The {@link PubSubAdmin} of an engine: its view, and publishing and tailing as the node. */
final class ShellAccess implements PubSubAdmin {
    /** How a tail's subscription is listed. */
    static final String TAIL_LABEL = "shell tail";

    private final PubSubEngine engine;

    ShellAccess(PubSubEngine engine) {
        this.engine = engine;
    }

    @Override
    public PubSubView view() {
        return engine.view();
    }

    @Override
    public int publish(String subject, String replyTo, Map<String, String> headers, byte[] payload) {
        return engine.publish(subject, replyTo, headers, payload);
    }

    @Override
    public PubSub.Subscription tail(String pattern, PubSub.MessageListener listener) {
        return engine.subscribeLocal(pattern, "", listener, TAIL_LABEL);
    }
}
