package io.aldis.protocol.api.spi.auth;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by the node; called by whatever keeps the users (the authentication feature) when
 * what a user proved at login stops being true: the user was removed, or its password or roles
 * changed. The node then revokes every resume token it issued to that user, so a client that
 * reconnects must authenticate again, with the credentials and roles in force now.
 */
@ProviderType
public interface CredentialRevocation {
    /**
     * Revokes every resume token issued to the user. Sessions already open stay open.
     *
     * @param user the user name
     * @return how many tokens were revoked
     */
    int credentialsChanged(String user);
}
