package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class DrainHandOffsTest {
    @Test
    void eachEventLoopHasItsOwnDrainsForTheFeaturesLife() {
        DrainHandOffs handOffs = new DrainHandOffs();
        EmbeddedChannel one = new EmbeddedChannel();
        EmbeddedChannel two = new EmbeddedChannel();
        RemoteDrains first = handOffs.of(one.eventLoop());
        assertThat(handOffs.of(one.eventLoop())).isSameAs(first);
        assertThat(handOffs.of(two.eventLoop())).isNotSameAs(first);
    }
}
