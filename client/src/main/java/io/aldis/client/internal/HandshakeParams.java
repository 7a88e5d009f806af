package io.aldis.client.internal;

import io.aldis.protocol.api.scram.SaltedPasswordCache;
import java.time.Duration;
import java.util.UUID;

/**
 * What one connection needs to open a session.
 *
 * @param clientId          the client's stable id
 * @param capabilities      the capability mask announced in CONNECT
 * @param clientName        the name announced in CONNECT
 * @param resumeToken       the token from the last AUTH_OK, or null
 * @param resumedUser       the user the token belongs to, reported when the node accepts it
 * @param user              the user for a full authentication, or null without credentials
 * @param password          the password for a full authentication, or null
 * @param mechanism         {@code SCRAM-SHA-256} or {@code PLAIN}
 * @param maxQueuedWhilePaused how many frames may wait while paused or while the socket takes no more
 * @param handshakeTimeout  how long CONNECT to session-open may take; zero for no limit
 * @param saltedPasswords   where the client keeps its SCRAM SaltedPassword between logins, or null
 */
public record HandshakeParams(UUID clientId, long capabilities, String clientName, String resumeToken,
        String resumedUser, String user, char[] password, String mechanism, int maxQueuedWhilePaused,
        Duration handshakeTimeout, SaltedPasswordCache saltedPasswords) {
}
