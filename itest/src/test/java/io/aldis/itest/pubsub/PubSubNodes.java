package io.aldis.itest.pubsub;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import java.util.EnumSet;

/**
 * The {@link NodeFixture} the pub/sub tests share: users {@code alice} and {@code bob} (role user)
 * and {@code root} (role admin), the pub/sub feature, and clients from {@link NodeFixture#login}
 * that announce pub/sub, messages and flow control and keep their session alive while they only read.
 */
final class PubSubNodes {
    private PubSubNodes() {
    }

    /** With the feature's defaults, but noticing new sessions every 50 ms. */
    static NodeFixture start() throws Exception {
        return start(PubSubSettings.defaults());
    }

    static NodeFixture start(PubSubSettings settings) throws Exception {
        return NodeFixture.builder()
                .user("alice", "user").user("bob", "user").user("root", "admin")
                .pubsub(settings)
                .loginCapabilities(Capability.maskOf(EnumSet.of(Capability.PUBSUB, Capability.MESSAGES,
                        Capability.FLOW_CONTROL)))
                .keepAliveLogins()
                .start();
    }
}
