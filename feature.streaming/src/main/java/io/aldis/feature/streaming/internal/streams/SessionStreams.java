package io.aldis.feature.streaming.internal.streams;

import io.aldis.feature.streaming.internal.limits.RapidReset;
import io.aldis.feature.streaming.internal.stats.StreamCounters;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open streams of one session, by stream id, with the session's outbound turns and its count
 * of cancelled streams. Streams are added on the thread that opens them and everything else happens
 * on the session's event loop.
 */
final class SessionStreams {
    private final Session session;
    private final Streams node;
    private final Outbound outbound;
    private final Map<Long, NodeStream> open = new ConcurrentHashMap<>();
    private final RapidReset resets = new RapidReset(System::nanoTime);
    private boolean held;

    SessionStreams(Session session, Streams node) {
        this.session = session;
        this.node = node;
        this.outbound = new Outbound(session, () -> node.settings().bytesPerTurn());
    }

    Session session() {
        return session;
    }

    Outbound outbound() {
        return outbound;
    }

    StreamCounters counters() {
        return node.counters();
    }

    ResendBudget resendBudget() {
        return node.resendBudget();
    }

    void onLoop(Runnable task) {
        StreamLoop.run(session, task);
    }

    int size() {
        return open.size();
    }

    NodeStream get(long streamId) {
        return open.get(streamId);
    }

    void add(NodeStream stream) {
        open.put(stream.streamId(), stream);
    }

    void remove(NodeStream stream) {
        if (open.remove(stream.streamId(), stream)) {
            node.removed(stream);
        }
    }

    List<NodeStream> streams() {
        return new ArrayList<>(open.values());
    }

    /**
     * The client cancelled a stream: past half the allowed rate the session is held for the rest
     * of the window, past all of it closed.
     */
    void cancelledByClient() {
        int max = node.settings().rapidResetMaxCancels();
        int window = node.settings().rapidResetWindowMillis();
        switch (resets.cancelled(max, window)) {
            case CLOSE -> session.close(ErrorCode.RATE_LIMITED, "more than " + max + " streams cancelled within "
                    + window + " ms: opening and cancelling streams in a loop is not allowed");
            case HOLD -> {
                if (!held) {
                    held = true;
                    session.hold(this);
                    if (StreamLoop.later(session, this::release, resets.holdMillis()) == null) {
                        release();
                    }
                }
            }
            default -> {
            }
        }
    }

    private void release() {
        held = false;
        session.release(this);
    }

    /**
     * The session ended: the turns stop, and every stream ends but those in {@code kept}, which
     * wait for the client to resume the session.
     */
    void closed(List<NodeStream> kept) {
        for (NodeStream stream : streams()) {
            // A kept stream stays listed here: until a resumed session takes it over, its end
            // is counted through this session.
            if (!kept.contains(stream)) {
                stream.sessionClosed();
            }
        }
        outbound.close();
        if (held) {
            release();
        }
    }
}
