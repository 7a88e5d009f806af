package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {
    static FrameHandler handling(FrameType... types) {
        return new FrameHandler() {
            @Override
            public Set<FrameType> frameTypes() {
                return Set.of(types);
            }

            @Override
            public void handle(Session session, Frame frame) {
            }
        };
    }

    @Test
    void capabilitiesFollowRegistrations() {
        HandlerRegistry registry = new HandlerRegistry();
        assertThat(Capability.fromMask(registry.capabilities()))
                .containsExactlyInAnyOrder(Capability.RESUME_TOKEN, Capability.FLOW_CONTROL);
        FrameHandler pubsub = handling(FrameType.PUBLISH, FrameType.SUBSCRIBE);
        registry.add(pubsub, Map.of(FrameHandler.CAPABILITY, new String[] {"pubsub", "messages"}, "service.id", 1L));
        assertThat(Capability.fromMask(registry.capabilities())).contains(Capability.PUBSUB, Capability.MESSAGES);
        assertThat(registry.handlerFor(FrameType.PUBLISH)).isSameAs(pubsub);
        registry.remove(pubsub);
        assertThat(Capability.fromMask(registry.capabilities())).doesNotContain(Capability.PUBSUB);
        assertThat(registry.handlerFor(FrameType.PUBLISH)).isNull();
    }

    @Test
    void highestRankingWinsThenOldestService() {
        HandlerRegistry registry = new HandlerRegistry();
        FrameHandler old = handling(FrameType.MESSAGE);
        FrameHandler young = handling(FrameType.MESSAGE);
        FrameHandler ranked = handling(FrameType.MESSAGE);
        registry.add(young, Map.of("service.id", 20L));
        registry.add(old, Map.of("service.id", 10L));
        assertThat(registry.handlerFor(FrameType.MESSAGE)).isSameAs(old);
        registry.add(ranked, Map.of("service.id", 30L, "service.ranking", 5));
        assertThat(registry.handlerFor(FrameType.MESSAGE)).isSameAs(ranked);
        registry.remove(ranked);
        assertThat(registry.handlerFor(FrameType.MESSAGE)).isSameAs(old);
    }

    @Test
    void unknownCapabilityNamesAreIgnored() {
        HandlerRegistry registry = new HandlerRegistry();
        registry.add(handling(FrameType.MESSAGE), Map.of(FrameHandler.CAPABILITY, "teleport, messages"));
        assertThat(Capability.fromMask(registry.capabilities())).contains(Capability.MESSAGES);
    }
}
