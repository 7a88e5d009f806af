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

    /**
     * Ends every session of this node that holds the resume token with key {@code resumeKey}
     * (ERROR {@code SESSION_KILLED}, then close), because its client resumed with that token on
     * another node; the token stays valid. Called by a {@link ResumeTokenStore} shared by several
     * nodes.
     *
     * @return how many sessions it ends
     * @since 1.8
     */
    default int supersede(String resumeKey) {
        return 0;
    }
}
