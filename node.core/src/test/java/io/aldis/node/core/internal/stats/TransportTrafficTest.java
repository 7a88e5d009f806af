package io.aldis.node.core.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.stats.TransportTraffic.Totals;
import io.aldis.protocol.api.spi.node.SessionStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTrafficTest {
    private record Live(String transport, SessionStats stats) {
    }

    private final TransportTraffic traffic = new TransportTraffic();
    private final List<Live> live = new ArrayList<>();

    private List<Totals> totals() {
        return traffic.totals(live, Live::transport, Live::stats);
    }

    @Test
    void liveSessionsAreAddedUpPerTransport() {
        live.add(new Live("tcp", new SessionStats(100, 200, 3, 4, 0)));
        live.add(new Live("tcp", new SessionStats(10, 20, 1, 2, 0)));
        live.add(new Live("ws", new SessionStats(7, 8, 1, 1, 0)));

        assertThat(totals()).containsExactly(new Totals("tcp", 4, 6, 110, 220), new Totals("ws", 1, 1, 7, 8));
    }

    @Test
    void anEndedSessionStaysInTheTotalsExactlyOnce() {
        Live leaving = new Live("tcp", new SessionStats(100, 200, 3, 4, 0));
        live.add(leaving);
        live.add(new Live("tcp", new SessionStats(10, 20, 1, 2, 0)));
        List<Totals> before = totals();

        traffic.retire("tcp", leaving.stats(), () -> live.remove(leaving));

        assertThat(totals()).isEqualTo(before).containsExactly(new Totals("tcp", 4, 6, 110, 220));
    }

    @Test
    void aTransportWhoseSessionsAllEndedKeepsItsTotals() {
        traffic.retire("ws", new SessionStats(5, 6, 1, 1, 0), () -> { });
        traffic.retire("ws", new SessionStats(5, 6, 1, 1, 0), () -> { });

        assertThat(totals()).containsExactly(new Totals("ws", 2, 2, 10, 12));
    }
}
