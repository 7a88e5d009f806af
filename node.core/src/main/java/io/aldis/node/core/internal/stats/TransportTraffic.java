package io.aldis.node.core.internal.stats;

import io.aldis.protocol.api.spi.node.SessionStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Frames and bytes per transport since the node started: the sessions that have ended, added up
 * once when each ends, plus the live sessions' own counters when asked. Nothing is counted here
 * per frame; a session's counters already are.
 */
public final class TransportTraffic {
    /** One transport's totals. */
    public record Totals(String transport, long framesIn, long framesOut, long bytesIn, long bytesOut) {
        Totals plus(SessionStats s) {
            return new Totals(transport, framesIn + s.framesIn(), framesOut + s.framesOut(), bytesIn + s.bytesIn(),
                    bytesOut + s.bytesOut());
        }
    }

    private final Map<String, Totals> ended = new TreeMap<>();

    /**
     * Adds an ending session's counters and runs {@code forget}, which takes it out of the live
     * sessions, as one step, so that a concurrent {@link #totals} counts it exactly once.
     */
    public synchronized void retire(String transport, SessionStats stats, Runnable forget) {
        ended.put(transport, ended.getOrDefault(transport, zero(transport)).plus(stats));
        forget.run();
    }

    /** The totals per transport, by name, of the ended sessions and the given live ones. */
    public synchronized <S> List<Totals> totals(Collection<S> live, Function<S, String> transport,
            Function<S, SessionStats> stats) {
        Map<String, Totals> sum = new TreeMap<>(ended);
        for (S session : live) {
            String name = transport.apply(session);
            sum.put(name, sum.getOrDefault(name, zero(name)).plus(stats.apply(session)));
        }
        return new ArrayList<>(sum.values());
    }

    private static Totals zero(String transport) {
        return new Totals(transport, 0, 0, 0, 0);
    }
}
