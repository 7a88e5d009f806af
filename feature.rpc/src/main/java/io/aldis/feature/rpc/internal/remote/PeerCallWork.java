package io.aldis.feature.rpc.internal.remote;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallWork;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.StreamReply;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamedAnswer;
import io.aldis.feature.rpc.spi.StreamingPeer;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.charset.StandardCharsets;

/**
 * A call of this node that another node serves: sends it there, brings its answer back to the
 * call, and cancels it there when the call ends without that answer (the caller's RPC_CANCEL, its
 * deadline, its session gone, this feature stopping). A call sent with streams opens its caller's
 * stream here when the serving node opened the method's stream, and the stream then answers the
 * call as a local one does: the answer follows the stream's frames.
 */
public final class PeerCallWork implements CallWork, StreamedAnswer {
    /** An RPC_RESPONSE's bytes before its result: type, flags, call id. */
    private static final int RESPONSE_HEADER = 10;

    private final Calls calls;
    private final Call call;
    /** The streaming feature, for a call sent with streams; else null. */
    private final CallStreams streams;
    private volatile RunningCall running;

    // guarded by this
    private boolean ended;
    private CallStream stream;

    private PeerCallWork(Calls calls, Call call, CallStreams streams) {
        this.calls = calls;
        this.call = call;
        this.streams = streams;
    }

    /**
     * Sends {@code call} to {@code peer} with what is left of its deadline.
     *
     * @param streams the streaming feature when the call's stream may cross (the caller takes
     *        streams and {@code peer} is a {@link StreamingPeer}); null to send the call without streams
     */
    public static void send(Calls calls, Call call, RemoteCalls.Peer peer, CallStreams streams) {
        PeerCallWork work = new PeerCallWork(calls, call, streams);
        if (!call.attach(work)) {
            return;
        }
        int left = call.timeoutMillis() <= 0 ? 0
                : (int) Math.max(1, call.timeoutMillis() - call.elapsedMillis());
        RunningCall sent = streams != null && peer instanceof StreamingPeer streaming
                ? streaming.send(call.method(), call.params(), left, (StreamedAnswer) work)
                : peer.send(call.method(), call.params(), left, work);
        work.running = sent;
        if (call.isAbandoned()) {
            // Cancelled or timed out while it was being sent: abandon() found nothing to cancel yet.
            sent.cancel();
        }
    }

    @Override
    public CallStream opened(StreamSpec spec) {
        if (streams == null || call.session() == null) {
            throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "the call of " + call.method()
                    + " was sent without streams");
        }
        if (call.isDone()) {
            // Answered meanwhile (its deadline, a cancel): no STREAM_OPEN may follow the answer.
            throw new ProtocolException(ErrorCode.CANCELLED, "the call of " + call.method() + " ended before its stream opened");
        }
        call.streamCounters().opened();
        CallStream opened;
        try {
            opened = streams.open(call.session(), call.callId(), spec, new Listener());
        } catch (ProtocolException refused) {
            call.streamCounters().notOpened();
            calls.abort(call, refused.code().code(), refused.getMessage(), true);
            throw refused;
        }
        call.replyThrough(new StreamReply(opened));
        synchronized (this) {
            if (!ended) {
                stream = opened;
                return opened;
            }
        }
        call.streamCounters().ended(call.failureCode());
        opened.close(call.failureCode(), call.failureMessage());
        return opened;
    }

    @Override
    public void result(byte[] json) {
        // The serving node has no session to fit the answer to (a batched streamed result may be
        // up to 16 MiB there): the caller's frame limit is checked here, as 6.4.1 says.
        Session session = call.session();
        if (session != null && json.length > session.limits().maxFrameSize() - RESPONSE_HEADER) {
            calls.fail(call, ErrorCode.MESSAGE_TOO_LARGE.code(), "the result of " + call.method() + " ("
                    + json.length + " bytes) does not fit in one answer of at most "
                    + (session.limits().maxFrameSize() - RESPONSE_HEADER) + " bytes (maxFrameSize)", "");
            return;
        }
        calls.complete(call, json);
    }

    @Override
    public void error(int code, String message, String details) {
        calls.fail(call, code, message, details == null ? "" : details);
    }

    @Override
    public void ended(Call ended) {
        // The slots are the call's own; only the caller's stream, if it has one, is held here.
        CallStream s;
        synchronized (this) {
            this.ended = true;
            s = stream;
        }
        if (s != null) {
            ended.streamCounters().ended(ended.failureCode());
            s.close(ended.failureCode(), ended.failureMessage());
        }
    }

    @Override
    public void abandon(Call abandoned, boolean tellPeer) {
        RunningCall r = running;
        if (r != null && tellPeer) {
            r.cancel();
        }
    }

    /** Answers the call as the caller's stream ends, as a stream of a method served here does. */
    private final class Listener implements CallStreamListener {
        @Override
        public void ended() {
            calls.complete(call, "null".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void failed(int code, String message) {
            // The caller cancelled its stream, or the stream broke here: the method stops there too.
            calls.abort(call, code, message, true);
        }
    }
}
