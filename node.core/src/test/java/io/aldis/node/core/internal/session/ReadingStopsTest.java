package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.session.ReadingStops.Reason;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The node reads from a connection only while no part of the session has a reason to stop. */
class ReadingStopsTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ReadingStops reading = new ReadingStops(channel);

    @Test
    void liftingOneReasonKeepsReadingStoppedWhileTheOtherHolds() {
        reading.set(Reason.INBOUND_WORK, true);
        reading.set(Reason.UNREAD_OUTPUT, true);
        assertThat(channel.config().isAutoRead()).isFalse();
        reading.set(Reason.INBOUND_WORK, false);
        assertThat(channel.config().isAutoRead()).as("the client still leaves too much unread").isFalse();
        reading.set(Reason.UNREAD_OUTPUT, false);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aCloseReadsWhateverHeldReadingBack() {
        reading.set(Reason.UNREAD_OUTPUT, true);
        reading.readForClose();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(reading.holds(Reason.UNREAD_OUTPUT)).isFalse();
    }
}
