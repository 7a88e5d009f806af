package io.aldis.node.core.internal.session;

import io.netty.channel.Channel;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether the node reads from a connection, decided from every reason it has to stop: its queue
 * of inbound work is full or a feature holds the session ({@link InboundWork}), or the client
 * leaves too much of what the node wrote unread ({@link UnreadOutput}). The node reads only while
 * no reason holds, so one part lifting its reason never undoes the other's. On the event loop only.
 */
final class ReadingStops {
    /** Why the node stops reading. */
    enum Reason {
        /** The inbound work reached its high-water mark, or a feature holds the session (PAUSE went out). */
        INBOUND_WORK,
        /** The client has not read what the node wrote for it, past the pending high-water mark. */
        UNREAD_OUTPUT
    }

    private final Channel channel;
    private final Set<Reason> reasons = EnumSet.noneOf(Reason.class);

    ReadingStops(Channel channel) {
        this.channel = channel;
    }

    /** Sets whether {@code reason} holds, and reads or stops reading to match all of them. */
    void set(Reason reason, boolean holds) {
        boolean changed = holds ? reasons.add(reason) : reasons.remove(reason);
        if (changed) {
            channel.config().setAutoRead(reasons.isEmpty());
        }
    }

    /** Whether {@code reason} holds. */
    boolean holds(Reason reason) {
        return reasons.contains(reason);
    }

    /** Reads whatever held it back: a close in progress must see the client's CLOSE_ACK. */
    void readForClose() {
        reasons.clear();
        channel.config().setAutoRead(true);
    }
}
