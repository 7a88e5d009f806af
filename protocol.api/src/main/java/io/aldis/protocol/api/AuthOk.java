package io.aldis.protocol.api;

import java.util.Objects;

/**
 * AUTH_OK: authentication succeeded.
 *
 * @param user             the authenticated user name
 * @param resumeToken      a token the client may present in a later CONNECT to skip authentication
 * @param tokenExpiresAt   when the token expires, in milliseconds since the epoch
 * @param data             the mechanism's final server message (SCRAM server-final-message), may be empty
 */
public record AuthOk(String user, String resumeToken, long tokenExpiresAt, byte[] data) implements Frame {
    public AuthOk {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(resumeToken, "resumeToken");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
        return FrameType.AUTH_OK;
    }
}
