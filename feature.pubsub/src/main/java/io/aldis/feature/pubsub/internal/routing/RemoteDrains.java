package io.aldis.feature.pubsub.internal.routing;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Subscriptions of other event loops that messages routed on this loop made ready to drain. They
 * are handed to their loops together, once this loop has finished the work at hand, instead of
 * one task (and, for a sleeping loop, one wake-up system call) per message: a publisher's read of
 * a few hundred messages then wakes each other loop once. One instance per event loop, kept by
 * {@link DrainHandOffs} (so nothing of this bundle stays on the transport's threads once it
 * stops), used by that loop's thread only.
 */
final class RemoteDrains implements Runnable {
    private final EventLoop home;
    /** Per target loop, in the order they first became ready; few loops, so a list is enough. */
    private final List<EventLoop> loops = new ArrayList<>(4);
    private final List<List<SessionSubscription>> ready = new ArrayList<>(4);
    private boolean scheduled;

    /** For the thread of {@code home}; only that thread may use the instance. */
    RemoteDrains(EventLoop home) {
        this.home = home;
    }

    /**
     * Queues {@code sub} to be drained on its own loop once this instance's loop is done with its
     * current work; on that loop only.
     *
     * @return false when the loop takes no more tasks; the caller then schedules the drain itself
     */
    boolean add(SessionSubscription sub) {
        if (!scheduled) {
            try {
                home.execute(this); // from inside the loop: queued, no wake-up needed
            } catch (RejectedExecutionException shuttingDown) {
                return false;
            }
            scheduled = true;
        }
        int at = loops.indexOf(sub.loop());
        if (at < 0) {
            loops.add(sub.loop());
            ready.add(new ArrayList<>());
            at = loops.size() - 1;
        }
        ready.get(at).add(sub);
        return true;
    }

    @Override
    public void run() {
        scheduled = false;
        for (int i = 0; i < loops.size(); i++) {
            List<SessionSubscription> subs = ready.get(i);
            if (subs.isEmpty()) {
                continue;
            }
            List<SessionSubscription> batch = new ArrayList<>(subs);
            subs.clear();
            try {
                loops.get(i).execute(() -> {
                    for (SessionSubscription sub : batch) {
                        sub.drain();
                    }
                });
            } catch (RejectedExecutionException connectionsGone) {
                for (SessionSubscription sub : batch) {
                    sub.loopGone();
                }
            }
        }
    }
}
