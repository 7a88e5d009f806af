package io.aldis.feature.streaming.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.streams.NodeStream;
import io.aldis.feature.streaming.internal.streams.StreamRig;
import io.aldis.feature.streaming.internal.streams.TestSession;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The streaming MBean reads the feature's counters and goes away when the feature does. */
class StreamingStatsTest {
    @Test
    void theMBeanShowsTheCountersAndIsUnregisteredOnClose() throws Exception {
        StreamRig rig = new StreamRig();
        TestSession session = TestSession.withStreams();
        NodeStream stream = (NodeStream) rig.open(session, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0,
                new StreamRig.Told());
        StreamRig.Source source = new StreamRig.Source(List.of(new byte[3], new byte[4]));
        source.completeWhenEmpty = false;
        stream.send(source);
        stream.credit(100);
        rig.settle(session);
        rig.open(session, 2, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, new StreamRig.Told());
        rig.streams.cancel(stream.streamId());
        rig.settle(session);

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(StreamingStats.OBJECT_NAME);
        try (StreamingStats stats = StreamingStats.register(rig.streams.view())) {
            assertThat(server.getAttribute(name, "Open")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "OpenedTotal")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "ItemsSent")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "BytesSent")).isEqualTo(7L);
            assertThat(server.getAttribute(name, "Cancelled")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "Failed")).isEqualTo(0L);
            assertThat(server.getAttribute(name, "CreditExceeded")).isEqualTo(0L);
        }
        assertThat(server.isRegistered(name)).isFalse();
    }
}
