package io.aldis.protocol.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * CONNECT_ACK, the node's answer to an acceptable CONNECT.
 *
 * @param flags          {@link #FLAG_AUTHENTICATED} when the resume token in CONNECT was accepted
 * @param version        the protocol version the session will use
 * @param capabilities   the capabilities the node offers right now
 * @param sessionId      the id of the new session
 * @param maxFrameSize   the largest frame, in bytes, either side may send
 * @param heartbeatMillis the heartbeat interval; a peer silent for two intervals is closed
 * @param maxFileSize    the largest file the node accepts, in bytes
 * @param maxChunkSize   the largest file chunk, in bytes
 * @param mechanisms     the authentication mechanisms offered on this connection
 * @param nodeName       the node's name, for operators
 */
public record ConnectAck(int flags, int version, long capabilities, UUID sessionId, int maxFrameSize,
        int heartbeatMillis, long maxFileSize, int maxChunkSize, List<String> mechanisms, String nodeName)
        implements Frame {
    /** Set when the session was authenticated by the resume token; no AUTH exchange follows. */
    public static final int FLAG_AUTHENTICATED = 0x01;

    public ConnectAck {
        Objects.requireNonNull(sessionId, "sessionId");
        mechanisms = List.copyOf(mechanisms);
        nodeName = nodeName == null ? "" : nodeName;
    }

    /** Whether the resume token was accepted. */
    public boolean authenticated() {
        return (flags & FLAG_AUTHENTICATED) != 0;
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECT_ACK;
    }
}
