package io.aldis.protocol.api.spi.node;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.osgi.annotation.versioning.ProviderType;

/** The node's live sessions, registered as an OSGi service by the core. */
@ProviderType
public interface SessionRegistry {
    /** Every session that is not yet closed. */
    Collection<Session> sessions();

    /** The session with the given id, if it is open. */
    Optional<Session> find(UUID id);

    /** Statistics of one session's traffic and work. */
    SessionStats stats(Session session);

    /**
     * Closes a session with {@link io.aldis.protocol.api.ErrorCode#SESSION_KILLED}. With
     * {@code revokeToken}, its resume token is revoked too, so the client must authenticate again.
     *
     * @return whether a session with that id was open
     */
    boolean kill(UUID id, boolean revokeToken);
}
