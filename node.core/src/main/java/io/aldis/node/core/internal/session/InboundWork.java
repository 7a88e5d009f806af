package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.channel.EventLoop;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session's inbound work and the connection-level flow control it drives (docs/protocol.md
 * section 4.7): frames for features queue here and run in order on the node's workers; when the
 * queue reaches its high-water mark, or while a feature holds the session, the node sends PAUSE
 * and stops reading, and when the queue is back at its low-water mark and no one holds it, RESUME.
 * Work is added on the event loop; holds come from any thread.
 */
final class InboundWork implements SessionWork.Listener {
    private final NodeSession session;
    private final SessionHost host;
    private final int highWater;
    private final int lowWater;
    private final SessionWork work;
    /** Features holding the session; made on the first hold, as most sessions never see one. */
    private volatile Set<Object> holders;
    /** Reading is paused (PAUSE went out); written on the event loop. */
    private volatile boolean paused;
    /** The queue reached its high-water mark and has not drained to the low-water mark since. */
    private volatile boolean queueFull;
    /** Run on the event loop when the queue runs empty; set while a close waits for the queue. */
    private volatile Runnable whenEmpty;

    InboundWork(NodeSession session, SessionHost host, int highWater, int lowWater) {
        this.session = session;
        this.host = host;
        this.highWater = highWater;
        this.lowWater = lowWater;
        this.work = new SessionWork(host.workers(), this);
    }

    /** Queues work for this session; called on the event loop. */
    void enqueue(Runnable task) {
        if (work.add(task) >= highWater && !queueFull) {
            queueFull = true;
            applyPause();
        }
    }

    /** Tasks queued or running. */
    int queued() {
        return work.queued();
    }

    /** Whether the node has paused reading from the client. */
    boolean paused() {
        return paused;
    }

    /** From now on, runs {@code task} on the event loop whenever the queue runs empty; null stops it. */
    void whenEmpty(Runnable task) {
        whenEmpty = task;
    }

    void hold(Object holder) {
        if (holders().add(holder)) {
            EventLoop loop = session.channel().eventLoop();
            if (loop.inEventLoop()) {
                // A feature holding the session while it handles one of its frames: stop reading
                // now, so the read in progress ends with the buffer at hand instead of going on
                // for a whole read loop before the pause is applied.
                applyPause();
            } else {
                loop.execute(this::applyPause);
            }
        }
    }

    void release(Object holder) {
        Set<Object> now = holders;
        if (now != null && now.remove(holder)) {
            session.channel().eventLoop().execute(this::applyPause);
        }
    }

    @Override
    public void ran(int left) {
        if (queueFull && left <= lowWater) {
            session.channel().eventLoop().execute(this::maybeResume);
        }
        Runnable onEmpty = whenEmpty;
        if (onEmpty != null && left == 0) {
            session.channel().eventLoop().execute(onEmpty);
        }
    }

    @Override
    public void refused() {
        // The node is stopping: queued work cannot run any more, the close notice included.
        if (session.lifecycle() == SessionState.CLOSED) {
            host.closed(session);
        }
    }

    private void maybeResume() {
        if (queueFull && work.queued() <= lowWater) {
            queueFull = false;
            applyPause();
        }
    }

    private Set<Object> holders() {
        Set<Object> now = holders;
        if (now == null) {
            synchronized (this) {
                now = holders;
                if (now == null) {
                    now = ConcurrentHashMap.newKeySet();
                    holders = now;
                }
            }
        }
        return now;
    }

    /** Pauses or resumes reading to match the queue and the holders; on the event loop only. */
    private void applyPause() {
        SessionState now = session.lifecycle();
        if (now == SessionState.CLOSED || now == SessionState.CLOSING) {
            return;
        }
        Set<Object> holding = holders;
        boolean wanted = queueFull || holding != null && !holding.isEmpty();
        if (wanted == paused) {
            return;
        }
        paused = wanted;
        session.reading().set(ReadingStops.Reason.INBOUND_WORK, wanted);
        session.send(wanted ? Pause.INSTANCE : Resume.INSTANCE);
    }

    /** Queues work that must run after everything queued so far, even once the session ended. */
    void enqueueLast(Runnable task) {
        work.add(task);
    }
}
