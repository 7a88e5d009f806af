package io.aldis.protocol.api.spi.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {
    private final ConnectionSlots slots = new ConnectionSlots();

    /** A channel with an id of its own: embedded channels otherwise share one, and a channel group keeps one per id. */
    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(DefaultChannelId.newInstance());
    }

    @Test
    void connectionsBeyondTheLimitGetNoSlotAndAreNotCounted() {
        assertThat(slots.take(channel(), 2)).isTrue();
        assertThat(slots.take(channel(), 2)).isTrue();
        assertThat(slots.take(channel(), 2)).isFalse();
        assertThat(slots.open()).isEqualTo(2);
    }

    @Test
    void aClosedConnectionGivesItsSlotBack() {
        EmbeddedChannel first = channel();
        assertThat(slots.take(first, 1)).isTrue();
        assertThat(slots.take(channel(), 1)).isFalse();

        first.close();

        assertThat(slots.open()).isZero();
        assertThat(slots.take(channel(), 1)).isTrue();
    }

    @Test
    void aRefusedConnectionGivesBackNothingWhenItCloses() {
        assertThat(slots.take(channel(), 1)).isTrue();
        EmbeddedChannel refused = channel();
        assertThat(slots.take(refused, 1)).isFalse();

        refused.close();

        assertThat(slots.open()).isEqualTo(1);
    }

    @Test
    void closeAllClosesEveryConnectionHoldingASlot() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        EmbeddedChannel refused = channel();
        slots.take(a, 2);
        slots.take(b, 2);
        slots.take(refused, 2);

        slots.closeAll(5, TimeUnit.SECONDS);

        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
        assertThat(refused.isOpen()).as("not the listener's connection").isTrue();
        assertThat(slots.open()).isZero();
    }
}
