package io.aldis.client;

import io.aldis.protocol.api.Capability;
import java.util.Set;
import java.util.UUID;

/**
 * The session the node opened for this client, from CONNECT_ACK and AUTH_OK.
 *
 * @param sessionId       the node's id for the session
 * @param user            the authenticated user
 * @param capabilities    what the node offers: as the session opened, then as CAPABILITY_CHANGE said
 * @param maxFrameSize    the largest frame either side may send, in bytes
 * @param heartbeatMillis the heartbeat interval the node asked for
 * @param maxFileSize     the largest file the node accepts, in bytes
 * @param maxChunkSize    the largest file chunk, in bytes
 * @param resumed         whether the node accepted the resume token instead of a new authentication
 * @param nodeName        the name the node gave itself in CONNECT_ACK; empty when not known
 * @since 1.3 (nodeName, added last so that the constructor without it still compiles and links)
 */
public record SessionInfo(UUID sessionId, String user, Set<Capability> capabilities, int maxFrameSize,
        int heartbeatMillis, long maxFileSize, int maxChunkSize, boolean resumed, String nodeName) {
    public SessionInfo {
        capabilities = Set.copyOf(capabilities);
        nodeName = nodeName == null ? "" : nodeName;
    }

    /** A session whose node name is not known, as this record was before it had one. */
    public SessionInfo(UUID sessionId, String user, Set<Capability> capabilities, int maxFrameSize,
            int heartbeatMillis, long maxFileSize, int maxChunkSize, boolean resumed) {
        this(sessionId, user, capabilities, maxFrameSize, heartbeatMillis, maxFileSize, maxChunkSize, resumed, "");
    }

    /** Whether the node offers the capability (see {@link ConnectionListener#capabilitiesChanged}). */
    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }
}
