package io.aldis.client.internal.stream;

import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.StreamIds;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams this client opens as the callee of calls to the services it provides
 * (docs/protocol.md 6.4.1, 6.4.2): their ids, odd as a client's are, and the frames the node
 * sends on them. The streams of the calls this client makes have the node's even ids and are
 * {@link StreamCalls}' business.
 */
public final class ServedStreams {
    private final StreamHost host;
    private final StreamIds ids = new StreamIds(StreamIds.Opener.CLIENT);
    private final Map<Long, ServedStream> byStream = new ConcurrentHashMap<>();
    private final Map<Long, ServedStream> byCall = new ConcurrentHashMap<>();

    public ServedStreams(StreamHost host) {
        this.host = host;
    }

    /** Whether calls made with {@code STREAMS} are served with streams now: both sides announced them. */
    public boolean available() {
        SessionInfo session = host.openSession();
        return host.announcedStreams() && session != null && session.has(Capability.STREAMS);
    }

    /**
     * Opens the stream of call {@code callId} of a streaming method: sends STREAM_OPEN, with this
     * side's high-water mark as the first grant for a streamed parameter.
     *
     * @throws RpcCallException {@code UNKNOWN_SIZE_FUNCTION} for a size function the application
     *         did not give this client
     */
    public ServedStream open(long callId, StreamingMethod method) {
        CreditMeter meter;
        try {
            meter = CreditMeter.forStream(method.creditMode(), method.sizeFunction(), host::sizeFunction);
        } catch (ProtocolException e) {
            throw new RpcCallException(e.code(), e.getMessage());
        }
        long streamId = ids.next();
        ServedStream stream = new ServedStream(this, host, method, callId, streamId, meter);
        byStream.put(streamId, stream);
        byCall.put(callId, stream);
        String metadata = method.sizeFunction() == null ? ""
                : host.mapper().createObjectNode().put(CreditMeter.SIZE_FUNCTION_MEMBER, method.sizeFunction()).toString();
        host.send(new StreamOpen(streamId, callId, method.direction(), method.creditMode(), stream.highWaterMark(),
                metadata));
        return stream;
    }

    /**
     * Takes the node's frames on the streams opened here.
     *
     * @return whether the frame was taken: a STREAM_* frame with an odd id (dropped when that
     *         stream is not open here, 6.4.5)
     */
    public boolean consume(Frame frame) {
        if (frame instanceof StreamResume resume) {
            if (StreamIds.openerOf(resume.streamId()) != StreamIds.Opener.CLIENT) {
                return false;
            }
            ServedStream stream = byStream.get(resume.streamId());
            if (stream != null) {
                stream.peerResumed(resume);
            }
            return true;
        }
        long streamId = StreamIds.streamOf(frame);
        if (StreamIds.openerOf(streamId) != StreamIds.Opener.CLIENT) {
            return false;
        }
        ServedStream stream = byStream.get(streamId);
        if (stream == null) {
            return true;
        }
        if (frame instanceof StreamCredit credit) {
            stream.credit(credit.credit());
        } else if (frame instanceof StreamData data) {
            stream.data(data);
        } else if (frame instanceof StreamEnd) {
            stream.end();
        } else if (frame instanceof StreamCancel) {
            stream.cancelledByCaller();
        } else {
            stream.errorFromCaller((StreamError) frame);
        }
        return true;
    }

    /** The call {@code callId} was answered: its stream, if it has one, closes. */
    public void callAnswered(long callId) {
        ServedStream stream = byCall.get(callId);
        if (stream != null) {
            stream.callAnswered();
        }
    }

    /**
     * The connection is gone, and with it the calls served on it: their streams end; but when the
     * client will resume its session ({@code mayResume}), they are kept for that instead
     * (docs/protocol.md 6.4.7, 6.4.8: the node keeps its side of them for its resume window).
     *
     * @return the calls whose streams are kept, which go on
     */
    public Set<Long> connectionLost(boolean mayResume) {
        Set<Long> kept = new HashSet<>();
        for (ServedStream stream : List.copyOf(byStream.values())) {
            if (mayResume && stream.suspend()) {
                kept.add(stream.callId());
            } else {
                stream.callCancelled();
            }
        }
        return kept;
    }

    /** The node resumed the session: each kept stream sends its STREAM_RESUME and goes on. */
    public void sessionResumed() {
        for (ServedStream stream : List.copyOf(byStream.values())) {
            stream.resume();
        }
    }

    /** The calls whose streams are kept for the session's resume, not yet resumed. */
    public Set<Long> keptCalls() {
        Set<Long> kept = new HashSet<>();
        for (ServedStream stream : byStream.values()) {
            if (stream.suspended()) {
                kept.add(stream.callId());
            }
        }
        return kept;
    }

    /** The kept streams cannot go on (the reconnect started a new session, or the client gave up): they end. */
    public void keptLost() {
        for (ServedStream stream : List.copyOf(byStream.values())) {
            if (stream.suspended()) {
                stream.callCancelled();
            }
        }
    }

    /**
     * The answer of call {@code callId}: whether its stream holds it until the session's resume
     * and replay; otherwise it goes out now.
     */
    public boolean holdAnswer(long callId, Frame answer) {
        ServedStream stream = byCall.get(callId);
        return stream != null && stream.holdAnswer(answer);
    }

    /** How many streams are open here as a callee. */
    public int openStreams() {
        return byStream.size();
    }

    void ended(ServedStream stream) {
        byStream.remove(stream.streamId(), stream);
        byCall.remove(stream.callId(), stream);
    }
}
