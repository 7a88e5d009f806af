package io.aldis.protocol.api.stream;

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

    /** Which side may have opened a stream with {@code id}, or null for 0, which none may. */
    public static Opener openerOf(long id) {
        if (id == 0) {
            return null;
        }
        return (id & 1) == 1 ? Opener.CLIENT : Opener.NODE;
    }
}
