package io.aldis.feature.pubsub.internal.routing;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authorizer in force for pub/sub, with a generation that changes whenever it is replaced, so
 * that answers remembered under an earlier one are known to be stale.
 */
public final class Permissions {
    private final AtomicLong generation = new AtomicLong();
    private volatile Authorizer authorizer = Authorizer.DEFAULT;

    /** Uses another authorizer ({@code null} for {@link Authorizer#DEFAULT}). */
    public void use(Authorizer newAuthorizer) {
        authorizer = newAuthorizer == null ? Authorizer.DEFAULT : newAuthorizer;
        generation.incrementAndGet();
    }

    /** The authorizer in force. */
    public Authorizer authorizer() {
        return authorizer;
    }

    /** Changes with every {@link #use}. */
    public long generation() {
        return generation.get();
    }

    /** Whether a user may do {@code action} on one subject. */
    public boolean permits(AuthenticatedUser user, String subject, String action) {
        return authorizer.permits(user, Authorizer.PUBSUB, subject, action);
    }

    /** Whether a user may do {@code action} on every subject a pattern can match. */
    public boolean permitsAll(AuthenticatedUser user, String pattern, String action) {
        return authorizer.permitsAll(user, Authorizer.PUBSUB, pattern, action);
    }

    /** Whether the user may pause the publishers of one subject. */
    public boolean mayBlock(AuthenticatedUser user, String subject) {
        return user != null && permits(user, subject, Authorizer.BLOCK);
    }

    /** Whether the user may pause publishers of every subject the pattern matches. */
    public boolean mayBlockAll(AuthenticatedUser user, String pattern) {
        return Subjects.hasWildcard(pattern) ? permitsAll(user, pattern, Authorizer.BLOCK)
                : permits(user, pattern, Authorizer.BLOCK);
    }
}
