package io.aldis.feature.streaming.internal.frames;

import io.aldis.feature.streaming.internal.streams.NodeStream;
import io.aldis.feature.streaming.internal.streams.Streams;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.EnumSet;
import java.util.Set;

/**
 * The STREAM_* frames of sessions, handed to the stream they name. Non-blocking: it runs on the
 * session's event loop, where every stream of the session lives, so a frame reaches its stream
 * without a thread hop and in order. Frames for a stream id that is not open are dropped
 * (docs/protocol.md 6.4.5: they may have crossed its end).
 */
public final class StreamFrames implements FrameHandler {
    private static final Set<FrameType> TYPES = EnumSet.of(FrameType.STREAM_OPEN, FrameType.STREAM_DATA,
            FrameType.STREAM_CREDIT, FrameType.STREAM_END, FrameType.STREAM_ERROR, FrameType.STREAM_CANCEL,
            FrameType.STREAM_RESUME);

    private final Streams streams;

    public StreamFrames(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return TYPES;
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public void handle(Session session, Frame frame) {
        if (streams.relays().handle(session, frame)) {
            return; // a frame of a stream a provider opened (an odd id)
        }
        if (frame instanceof StreamData data) {
            NodeStream stream = streams.find(session, data.streamId());
            if (stream != null) {
                stream.data(data);
            }
        } else if (frame instanceof StreamCredit credit) {
            NodeStream stream = streams.find(session, credit.streamId());
            if (stream != null) {
                stream.credit(credit.credit());
            }
        } else if (frame instanceof StreamEnd end) {
            NodeStream stream = streams.find(session, end.streamId());
            if (stream != null) {
                stream.end();
            }
        } else if (frame instanceof StreamCancel cancel) {
            NodeStream stream = streams.find(session, cancel.streamId());
            if (stream != null) {
                stream.cancelledByCaller();
            }
        } else if (frame instanceof StreamError error) {
            NodeStream stream = streams.find(session, error.streamId());
            if (stream != null) {
                stream.errorFromCaller(error);
            }
        } else if (frame instanceof StreamOpen open) {
            // Only a provider answering a call the node forwarded with STREAMS may open a stream (6.4.2, 6.4.8).
            streams.relays().opened(session, open);
        } else if (frame instanceof StreamResume resume) {
            streams.resume(session, resume);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        streams.sessionClosed(session);
    }
}
