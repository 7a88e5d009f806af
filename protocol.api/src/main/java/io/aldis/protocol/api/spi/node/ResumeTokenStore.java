package io.aldis.protocol.api.spi.node;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where resume tokens live (docs/protocol.md 4.4, "Resume token"). The node keeps them in its own
 * memory; a feature registers a store as an OSGi service to keep them where every node of a
 * cluster reads them, so that a client resumes on whichever node it reaches. The node then checks
 * tokens against that store, and against its own memory again once the service goes away.
 *
 * <p>A store never sees a token, only its key ({@link Session#resumeKey()}), a digest of it: what
 * lets a client in stays with the node that handed it out. Every rule of the protocol that spans
 * nodes is the store's to keep: the per-user cap, revocations, and the end of a session that a
 * client replaced on another node.
 *
 * <p>The node calls a store from its worker threads, never from a connection's event loop, so a
 * call may wait on the network; it should not wait long, since a client's handshake waits for it.
 * A call that throws is taken as "the store cannot say": the node falls back to its own memory.
 */
@ConsumerType
public interface ResumeTokenStore {
    /**
     * Keeps a grant until it expires, then drops the user's oldest grants (by
     * {@link ResumeGrant#issuedAt()}) beyond {@code maxPerUser}.
     */
    void put(ResumeGrant grant, int maxPerUser);

    /** The grant kept under {@code key}; empty when there is none or it expired. */
    Optional<ResumeGrant> get(String key);

    /**
     * Drops one grant (a logout, or an operator's kill with revocation).
     *
     * @return whether it was kept
     */
    boolean remove(String key);

    /**
     * Drops every grant of a user, whichever node issued it: the user was removed or their
     * password or roles changed.
     *
     * @return how many were dropped
     */
    int removeUser(String user);

    /**
     * A session resumed with {@code key} on this node: a session still open with the same key on
     * any other node is a connection its client gave up, and must end there
     * ({@link SessionRegistry#supersede(String)}).
     */
    void resumed(String key);
}
