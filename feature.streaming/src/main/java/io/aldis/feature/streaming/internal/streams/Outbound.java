package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.node.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * How one session's stream frames reach its connection, on the session's event loop only.
 *
 * <p>Items go out in <em>turns</em>: a turn writes at most a configured number of stream bytes,
 * taking one item from each stream that has one ready in round-robin order, then posts the next
 * turn to the back of the event loop's queue. Whatever else is waiting for the connection (an RPC
 * answer, a pub/sub delivery, a PONG) runs between two turns, so a stream running flat out cannot
 * starve it. While the connection is not writable no turn writes; the next starts when it drains.
 *
 * <p>A turn's frames go to the session in one batch; what must follow them on the wire (a
 * listener's callback, after which RPC sends the call's answer) runs after the batch.
 *
 * <p>Turns that follow one another are flushed together, up to {@link #FLUSH_BYTES}: a turn that
 * another turn follows leaves its frames in the connection's buffer ({@link Session#write}), and
 * the turn that reaches the bound, or that sends what must follow on the wire, or after which no
 * stream has anything ready, or that finds the connection not writable, flushes them all. Other
 * work between two turns still goes out in order behind the frames written so far, and anything
 * else the session sends flushes them too. The session does not count those frames against its
 * writability ({@link Session#writable}), so they stop no turn; a full connection or the client's
 * PAUSE does. A system call per turn held a bytes-mode stream to the speed of 64 KiB writes, which on loopback
 * move far less than writes of 512 KiB (docs/benchmarks.md, Streams).
 */
public final class Outbound {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    /** A stream with items to send: a node stream's sending side, or the relay's toward a provider. */
    public interface Sender {
        /** Sends at most one item (or the end) now; returns the bytes sent, 0 when it has nothing it may send. */
        int sendOne();
    }

    /**
     * The most stream bytes written and left unflushed by turns in a row: enough for a system call's
     * own cost to be small beside its copy, and no more than half a bytes-mode window of 1 MiB, which
     * then goes in one call as the caller's credit comes back.
     */
    static final int FLUSH_BYTES = 512 * 1024;

    private final Session session;
    private final IntSupplier bytesPerTurn;
    private final ArrayDeque<Sender> ready = new ArrayDeque<>();
    private List<Frame> batch;
    private List<Runnable> afterBatch = new ArrayList<>();
    private boolean turnPosted;
    private AutoCloseable writableHook;
    private boolean closed;
    /** Stream bytes the turns wrote since they last flushed (others may have flushed them since). */
    private int unflushed;

    Outbound(Session session, IntSupplier bytesPerTurn) {
        this.session = session;
        this.bytesPerTurn = bytesPerTurn;
    }

    /** Sends a frame now, or with the turn running now. */
    public void send(Frame frame) {
        if (batch != null) {
            batch.add(frame);
        } else {
            session.send(frame);
        }
    }

    /** Runs {@code action} once the frames sent so far are on their way. */
    void after(Runnable action) {
        if (batch != null) {
            afterBatch.add(action);
        } else {
            action.run();
        }
    }

    /** {@code sender} may have something to send: it gets a place in the next turns. */
    public void ready(Sender sender) {
        if (closed || ready.contains(sender)) {
            return;
        }
        ready.add(sender);
        postTurn();
    }

    /** {@code sender} is gone. */
    public void remove(Sender sender) {
        ready.remove(sender);
    }

    private void postTurn() {
        if (turnPosted || closed) {
            return;
        }
        turnPosted = true;
        StreamLoop.run(session, this::turn);
    }

    private void turn() {
        turnPosted = false;
        if (ready.isEmpty() || closed) {
            flushWritten();
            return;
        }
        if (!session.writable()) {
            flushWritten();
            if (writableHook == null) {
                writableHook = session.onWritable(this::postTurn);
            }
            return;
        }
        batch = new ArrayList<>();
        int turnBytes = bytesPerTurn.getAsInt();
        int budget = turnBytes;
        Sender sender;
        try {
            while (budget > 0 && (sender = ready.poll()) != null) {
                int sent = sender.sendOne();
                if (sent > 0) {
                    budget -= sent;
                    if (!ready.contains(sender)) {
                        ready.add(sender);
                    }
                }
            }
        } catch (RuntimeException e) {
            // A sender that fails stops itself, not the session's turns: what this turn gathered
            // still goes, and the other streams go on.
            LOG.log(System.Logger.Level.WARNING, "A stream of session " + session.id() + " failed to send an item", e);
        }
        List<Frame> frames = batch;
        batch = null;
        if (frames.isEmpty()) {
            flushWritten();
        } else if (!ready.isEmpty() && afterBatch.isEmpty() && unflushed + (turnBytes - budget) < FLUSH_BYTES) {
            unflushed += turnBytes - budget;
            session.write(frames);
        } else {
            unflushed = 0;
            session.send(frames);
        }
        List<Runnable> actions = afterBatch;
        afterBatch = new ArrayList<>();
        actions.forEach(Runnable::run);
        if (!ready.isEmpty()) {
            postTurn();
        }
    }

    private void flushWritten() {
        if (unflushed > 0) {
            unflushed = 0;
            session.flush();
        }
    }

    /** The session ended: no more turns. */
    void close() {
        flushWritten();
        closed = true;
        ready.clear();
        if (writableHook != null) {
            try {
                writableHook.close();
            } catch (Exception ignored) {
                // the session is gone and its callbacks with it
            }
        }
    }
}
