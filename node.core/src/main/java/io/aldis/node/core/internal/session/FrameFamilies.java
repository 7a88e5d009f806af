package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.FrameType;

/**
 * Which capability family a frame type belongs to (docs/protocol.md section 4.2): a session may
 * send a frame of a family only when the client announced the family's bit in CONNECT and the
 * node serves it.
 */
final class FrameFamilies {
    private FrameFamilies() {
    }

    /** The family of {@code type}, or null for the connection's own frames, which belong to none. */
    static Capability of(FrameType type) {
        return switch (type) {
            case MESSAGE -> Capability.MESSAGES;
            case SUBSCRIBE, UNSUBSCRIBE, PUBLISH, DELIVER -> Capability.PUBSUB;
            case RPC_REQUEST, RPC_RESPONSE, RPC_ERROR, RPC_CANCEL, SERVICE_PROVIDE, SERVICE_WITHDRAW -> Capability.RPC;
            case STREAM_OPEN, STREAM_DATA, STREAM_CREDIT, STREAM_END, STREAM_ERROR, STREAM_CANCEL, STREAM_RESUME ->
                    Capability.STREAMS;
            case UPLOAD_REQUEST, UPLOAD_ACCEPT, UPLOAD_REJECT, DOWNLOAD_REQUEST, DOWNLOAD_ACCEPT, DOWNLOAD_REJECT,
                    CHUNK_DATA, CHUNK_ACK, CHUNK_NACK, UPLOAD_COMPLETE, UPLOAD_VERIFY, DOWNLOAD_COMPLETE,
                    DOWNLOAD_VERIFY, LIST_REQUEST, LIST_RESPONSE, RESUME_REQUEST, RESUME_RESPONSE, TRANSFER_ABORT,
                    FILE_REMOVE ->
                    Capability.FILE_TRANSFER;
            case PAUSE, RESUME -> Capability.FLOW_CONTROL;
            // Listed rather than left to a default, so that a new frame type does not compile until
            // someone decides its family.
            case CONNECT, CONNECT_ACK, AUTH_START, AUTH_CHALLENGE, AUTH_RESPONSE, AUTH_OK, PING, PONG, CLOSE, CLOSE_ACK,
                    CAPABILITY_CHANGE, NODE_ADDRESSES, ACK, ERROR -> null;
        };
    }
}
