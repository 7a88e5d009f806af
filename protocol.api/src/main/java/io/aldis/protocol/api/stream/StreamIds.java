package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stream ids of one side of a connection (docs/protocol.md 3.2, 6.4.2): the client's are odd,
 * the node's even, and 0 is never one, so streams opened by both sides cannot collide. An instance
 * hands out its side's ids in order; it is thread-safe.
 */
public final class StreamIds {
    /** The side that opens a stream. */
    public enum Opener {
        /** A client: odd ids. */
        CLIENT,
        /** The node: even ids, not 0. */
        NODE
    }

    private final Opener opener;
    private final AtomicLong next;

    /** The ids of {@code opener}, from its first. */
    public StreamIds(Opener opener) {
        this.opener = opener;
        this.next = new AtomicLong(opener == Opener.CLIENT ? 1 : 2);
    }

    /** The next id; after 2<sup>64</sup> ids it starts again, never giving 0. */
    public long next() {
        long id = next.getAndAdd(2);
        return id == 0 ? next.getAndAdd(2) : id;
    }

    /** The side these ids belong to. */
    public Opener opener() {
        return opener;
    }

    /**
     * The stream a frame of an open stream names: STREAM_DATA, STREAM_CREDIT, STREAM_END,
     * STREAM_CANCEL or STREAM_ERROR; 0 (no stream's id) for any other frame.
     */
    public static long streamOf(Frame frame) {
        if (frame instanceof StreamData data) {
            return data.streamId();
        }
        if (frame instanceof StreamCredit credit) {
            return credit.streamId();
        }
        if (frame instanceof StreamEnd end) {
            return end.streamId();
        }
        if (frame instanceof StreamCancel cancel) {
            return cancel.streamId();
        }
        if (frame instanceof StreamError error) {
            return error.streamId();
        }
        return 0;
    }

    /** Which side may have opened a stream with {@code id}, or null for 0, which none may. */
    public static Opener openerOf(long id) {
        if (id == 0) {
            return null;
        }
        return (id & 1) == 1 ? Opener.CLIENT : Opener.NODE;
    }
}
