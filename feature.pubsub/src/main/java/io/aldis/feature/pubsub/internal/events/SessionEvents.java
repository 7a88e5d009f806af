package io.aldis.feature.pubsub.internal.events;

import io.aldis.protocol.api.spi.node.Session;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code $sys.session.opened} and {@code $sys.session.closed}, from the node's own calls to the
 * feature's frame handlers ({@code FrameHandler.sessionOpened} and {@code sessionClosed}), each
 * announced once per session although both handlers of the feature hear of it.
 *
 * <p>The node also calls {@code sessionOpened} for every session already open when the feature
 * registers, to give the sessions their subscriptions back after the feature was updated or
 * reinstalled. Those sessions did not open now: a session that opened before this feature started
 * is taken note of without an event. (One that connected just before the feature started and
 * authenticated just after is taken for such a session too; its close is still announced.)
 */
public final class SessionEvents {
    /** How long a closed session is remembered, so that a late {@code sessionOpened} announces nothing. */
    private static final long FORGET_CLOSED_SECONDS = 60;

    private final SysEvents events;
    private final ScheduledExecutorService scheduler;
    private final Instant startedAt;
    /** Sessions seen open (true) or closed (false, for a while). */
    private final Map<UUID, Boolean> seen = new ConcurrentHashMap<>();

    /**
     * @param events    where the events go
     * @param scheduler forgets closed sessions after a while
     * @param startedAt when the feature started: sessions opened before it are not announced as opening
     */
    public SessionEvents(SysEvents events, ScheduledExecutorService scheduler, Instant startedAt) {
        this.events = events;
        this.scheduler = scheduler;
        this.startedAt = startedAt;
    }

    /** A session authenticated, or the feature came while it was open; once per session is announced. */
    public void opened(Session session) {
        if (session.user() == null) {
            return;
        }
        // Absent: first word of it. True: told again by the other handler. False: it closed already,
        // and this call was still on its way from a worker thread.
        if (seen.putIfAbsent(session.id(), Boolean.TRUE) == null && openedSinceStart(session)) {
            events.publish("session.opened", SysEvents.sessionFields(session));
        }
    }

    /** A session ended; announced once, after its opening if that was not announced yet. */
    public void closed(Session session) {
        Boolean before = seen.put(session.id(), Boolean.FALSE);
        if (before == Boolean.FALSE) {
            return;
        }
        forgetLater(session.id());
        if (session.user() == null) {
            return;
        }
        if (before == null && openedSinceStart(session)) {
            // It closed before its sessionOpened call, which runs on a worker, came through.
            events.publish("session.opened", SysEvents.sessionFields(session));
        }
        events.publish("session.closed", SysEvents.sessionFields(session));
    }

    /** How many sessions are remembered, open or recently closed. */
    public int remembered() {
        return seen.size();
    }

    private boolean openedSinceStart(Session session) {
        return !session.openedAt().isBefore(startedAt);
    }

    private void forgetLater(UUID id) {
        try {
            scheduler.schedule(() -> seen.remove(id, Boolean.FALSE), FORGET_CLOSED_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopped) {
            seen.remove(id);
        }
    }
}
