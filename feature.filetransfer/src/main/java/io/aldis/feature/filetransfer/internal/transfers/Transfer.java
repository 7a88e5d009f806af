package io.aldis.feature.filetransfer.internal.transfers;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import io.netty.util.ReferenceCountUtil;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * What every transfer has: its id, the user it belongs to, the session it runs on (none while it
 * waits at its checkpoint), and the serial executor all its work runs on.
 */
public abstract class Transfer {
    private final UUID id;
    private final String user;
    private final String name;
    private final SerialExecutor work;
    private volatile Session session;
    private volatile long idleSince;
    private volatile long runningSince;
    private volatile long bytesWhenStarted;
    private volatile boolean ended;

    protected Transfer(UUID id, String user, String name, Executor pool) {
        this.id = id;
        this.user = user;
        this.name = name;
        // When the feature stops, transfers are parked at their checkpoints by the engine itself:
        // tasks the stopped pool refuses are dropped rather than run on a network thread.
        this.work = new SerialExecutor(pool, SerialExecutor.WhenPoolStops.DROP, System.getLogger("io.aldis.files"),
                "A file-transfer task failed");
    }

    public UUID id() {
        return id;
    }

    public String user() {
        return user;
    }

    /** The file's name in the user's area. */
    public String name() {
        return name;
    }

    public abstract TransferDirection direction();

    /** Chunks done (stored, or acknowledged) and in all, for operators. */
    public abstract long[] progress();

    /** The executor all of this transfer's work runs on, one task at a time. */
    public SerialExecutor work() {
        return work;
    }

    /** The session it runs on, or null while it waits at its checkpoint. */
    public Session session() {
        return session;
    }

    /**
     * Moves the transfer to {@code next} at {@code now} (epoch milliseconds); the session it ran on
     * hears nothing more of it. Its rate is measured from here.
     */
    public void attach(Session next, long now) {
        this.bytesWhenStarted = bytesDone();
        this.runningSince = now;
        this.session = next;
    }

    /** Bytes of the chunks done, for operators: every chunk counted at the file's average chunk size. */
    public long bytesDone() {
        long[] p = progress();
        return p[1] == 0 ? 0 : (long) ((double) p[0] / p[1] * p[2]);
    }

    /** Bytes done per second since it last started running on a session; 0 while it waits at its checkpoint. */
    public double bytesPerSecond(long now) {
        long elapsed = now - runningSince;
        if (session == null || elapsed <= 0) {
            return 0;
        }
        return Math.max(0, bytesDone() - bytesWhenStarted) * 1000.0 / elapsed;
    }

    /** Stops sending to its session: it waits at its checkpoint from {@code now} on. */
    public void detach(long now) {
        this.session = null;
        this.idleSince = now;
    }

    /** Since when it has waited at its checkpoint, in epoch milliseconds; meaningful only while detached. */
    public long idleSince() {
        return idleSince;
    }

    public boolean ended() {
        return ended;
    }

    /** Marks it ended; true for the one caller that ended it. */
    public synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    /** Sends to the session it runs on; dropped (and released, when it holds a buffer) while it has none. */
    public void send(Frame frame) {
        Session s = session;
        if (s != null) {
            s.send(frame);
        } else {
            ReferenceCountUtil.release(frame);
        }
    }

    /** TRANSFER_ABORT to its session. */
    public void abort(boolean resumable, io.aldis.protocol.api.ErrorCode code, String reason) {
        abort(resumable, code, reason, "");
    }

    /** As {@link #abort(boolean, io.aldis.protocol.api.ErrorCode, String)}, with the abort's JSON {@code details}. */
    public void abort(boolean resumable, io.aldis.protocol.api.ErrorCode code, String reason, String details) {
        send(new TransferAbort(resumable, id, code.code(), reason, details));
    }
}
