package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * CONNECT, the first frame a client sends.
 *
 * @param version      the protocol version the client speaks ({@link ProtocolVersion#V1})
 * @param capabilities the capability mask the client can use
 * @param clientId     a stable id the client chooses for itself
 * @param resumeToken  a resume token from an earlier AUTH_OK, or the empty string
 * @param clientName   a free-form client name and version, for operators
 */
public record Connect(int version, long capabilities, UUID clientId, String resumeToken, String clientName)
        implements Frame {
    public Connect {
        Objects.requireNonNull(clientId, "clientId");
        resumeToken = resumeToken == null ? "" : resumeToken;
        clientName = clientName == null ? "" : clientName;
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECT;
    }
}
