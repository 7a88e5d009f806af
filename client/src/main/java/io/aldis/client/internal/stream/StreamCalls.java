package io.aldis.client.internal.stream;

import io.aldis.client.CallOptions;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/**
 * The streaming calls this client makes: where they start ({@link #callStream},
 * {@link #callWithStream}), and the one map from call id and from stream id to the call each
 * frame belongs to. STREAM_* frames for a stream that is not open here are dropped (6.4.5: they may
 * have crossed a cancel, an error or the call's answer).
 */
public final class StreamCalls {
    private final StreamHost host;
    private final Map<Long, StreamedCall> calls = new ConcurrentHashMap<>();
    private final Map<Long, StreamedCall> streams = new ConcurrentHashMap<>();
    /** Streamed results that received items from the frames being dispatched; on the callback thread only. */
    private final List<ResultItems> toDeliver = new ArrayList<>();

    public StreamCalls(StreamHost host) {
        this.host = host;
    }

    /**
     * A cold publisher of a streamed result: each subscription makes the call. {@code params} by
     * position ({@code Object[]} or list) may hold one {@link Flow.Publisher}, a streamed parameter
     * whose items are encoded with their runtime type.
     */
    public <T> Flow.Publisher<T> callStream(String method, Object params, Type itemType, CallOptions options) {
        return callStream(method, params, Object.class, itemType, options);
    }

    /** As {@link #callStream(String, Object, Type, CallOptions)}, with the item type of the streamed parameter. */
    public <T> Flow.Publisher<T> callStream(String method, Object params, Type paramItemType, Type itemType,
            CallOptions options) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(itemType, "itemType");
        CallOptions opts = options == null ? CallOptions.defaults() : options;
        CallParams callParams = CallParams.of(params, host.mapper(), paramItemType, false);
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            StreamedCall call = StreamedCall.streamedResult(this, host, method, callParams, itemType, opts, subscriber);
            subscriber.onSubscribe(call.subscription());
            call.start();
        };
    }

    /**
     * A call with one streamed parameter, the one {@link Flow.Publisher} in {@code params}, and
     * one result of {@code resultType}; made at once.
     *
     * @throws IllegalArgumentException when {@code params} holds no publisher or more than one
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> callWithStream(String method, List<Object> params, Type paramItemType,
            Type resultType, CallOptions options) {
        Objects.requireNonNull(method, "method");
        CallParams callParams = CallParams.of(params, host.mapper(), paramItemType, true);
        StreamedCall call = StreamedCall.streamedParam(this, host, method, callParams,
                resultType == null ? Object.class : resultType, options == null ? CallOptions.defaults() : options);
        call.start();
        return (CompletableFuture<T>) call.future();
    }

    /** The item type of a {@code Flow.Publisher<T>} type, {@code Object} when it is not given. */
    public static Type itemTypeOf(Type publisherType) {
        if (publisherType instanceof ParameterizedType p && p.getRawType() == Flow.Publisher.class) {
            Type item = p.getActualTypeArguments()[0];
            return item instanceof Class<?> || item instanceof ParameterizedType ? item : Object.class;
        }
        return Object.class;
    }

    // ---------------------------------------------------------------- frames

    /**
     * Takes the frames of streaming calls: STREAM_* frames (every one: those of no open stream are
     * dropped), and the answers of the calls made here.
     *
     * @return whether the frame was taken
     */
    public boolean consume(Frame frame) {
        if (frame instanceof StreamOpen open) {
            StreamedCall call = calls.get(open.callId());
            if (call == null) {
                host.send(new StreamError(open.streamId(), ErrorCode.PROTOCOL_ERROR.code(), "STREAM_OPEN for call "
                        + open.callId() + ", which this client did not make with STREAMS or is over"));
            } else {
                call.opened(open);
            }
            return true;
        }
        if (frame instanceof StreamData data) {
            StreamedCall call = streams.get(data.streamId());
            if (call != null) {
                call.data(data);
            }
            return true;
        }
        if (frame instanceof StreamEnd end) {
            StreamedCall call = streams.get(end.streamId());
            if (call != null) {
                call.end();
            }
            return true;
        }
        if (frame instanceof StreamCredit credit) {
            StreamedCall call = streams.get(credit.streamId());
            if (call != null) {
                call.credit(credit);
            }
            return true;
        }
        if (frame instanceof StreamCancel cancel) {
            StreamedCall call = streams.get(cancel.streamId());
            if (call != null) {
                call.cancelledByCallee();
            }
            return true;
        }
        if (frame instanceof StreamError error) {
            StreamedCall call = streams.get(error.streamId());
            if (call != null) {
                call.streamError(error);
            }
            return true;
        }
        if (frame instanceof StreamResume resume) {
            StreamedCall call = streams.get(resume.streamId());
            if (call != null) {
                call.peerResumed(resume);
            }
            return true;
        }
        if (frame instanceof RpcResponse response) {
            StreamedCall call = calls.get(response.callId());
            if (call == null) {
                return false;
            }
            call.answered(response.result());
            return true;
        }
        if (frame instanceof RpcError error) {
            StreamedCall call = calls.get(error.callId());
            if (call == null) {
                return false;
            }
            call.failed(error.code(), error.message(), error.details());
            return true;
        }
        if (frame instanceof ErrorFrame error && error.requestId() != 0) {
            StreamedCall call = calls.get(error.requestId());
            if (call == null) {
                return false;
            }
            call.failed(error.code(), error.message(), error.details());
            return true;
        }
        return false;
    }

    /** The client stopped sharing its connection (docs/protocol.md 6.4.3, rule 7). */
    public void shareLifted() {
        for (StreamedCall call : calls.values()) {
            call.shareLifted();
        }
    }

    /**
     * The frames of one read were dispatched: the items they brought go to their subscribers now,
     * one hand-over per stream for the lot rather than one per item.
     */
    public void framesDispatched() {
        if (toDeliver.isEmpty()) {
            return;
        }
        for (ResultItems items : toDeliver) {
            items.deliverReceived();
        }
        toDeliver.clear();
    }

    /** {@code items} received an item from the frames being dispatched. */
    void receivedDuringDispatch(ResultItems items) {
        // a read's items are mostly of one stream: the last entry is enough to tell
        if (toDeliver.isEmpty() || toDeliver.get(toDeliver.size() - 1) != items) {
            toDeliver.add(items);
        }
    }

    /**
     * A connection broke and the session will not be resumed: every streaming call sent on a
     * connection that is no longer the open one fails with {@code CONNECTION_INTERRUPTED}, its
     * streams with it. Calls already made on a newer connection are left alone, since the news of
     * a loss may come after the client has connected again; a call not sent yet fails when it
     * cannot be.
     */
    public void connectionLost(String reason) {
        connectionLost(reason, false);
    }

    /**
     * A connection broke. When the client will reconnect with its resume token ({@code mayResume}),
     * the calls of the lost connection whose stream is open are kept for the session's resume
     * (docs/protocol.md 6.4.7): their subscribers and publishers stay, their deadlines run on, and
     * nothing of their streams is sent until then. Every other call of the lost connection fails as
     * {@link #connectionLost(String)} says, a call whose STREAM_OPEN never came among them.
     */
    public void connectionLost(String reason, boolean mayResume) {
        Object open = host.connection();
        for (StreamedCall call : List.copyOf(calls.values())) {
            if (call.sentOnOtherThan(open) && !(mayResume && call.suspend())) {
                call.connectionLost(reason);
            }
        }
    }

    /**
     * The node resumed the session on the open connection: each kept call sends its STREAM_RESUME,
     * before any other frame of its stream, and its stream goes on. When the connection is gone
     * again already, nothing is done: the next reconnect resumes them.
     */
    public void sessionResumed() {
        Object open = host.connection();
        if (open == null) {
            return;
        }
        for (StreamedCall call : List.copyOf(calls.values())) {
            call.resume(open);
        }
    }

    /**
     * The kept calls cannot go on: the reconnect started a new session (the token was refused), or
     * the client gave up reconnecting or was closed. They fail with {@code CONNECTION_INTERRUPTED}.
     */
    public void keptCallsLost(String reason) {
        for (StreamedCall call : List.copyOf(calls.values())) {
            if (call.suspended()) {
                call.connectionLost(reason);
            }
        }
    }

    /**
     * The node answered ERROR {@code UNKNOWN_FRAME_TYPE}: it predates resumption, so the streams
     * resumed on this connection end as if the session had not been resumed. (The ERROR carries no
     * id; STREAM_RESUME is the only frame this client sends that a node speaking this version may
     * not know.)
     */
    public void resumeRefused(String reason) {
        Object open = host.connection();
        if (open == null) {
            return;
        }
        for (StreamedCall call : List.copyOf(calls.values())) {
            if (call.resumedOn(open)) {
                call.connectionLost(reason);
            }
        }
    }

    /** How many streaming calls wait for their answer. */
    public int callsInFlight() {
        return calls.size();
    }

    /** How many streams are open. */
    public int openStreams() {
        return streams.size();
    }

    void callStarted(long callId, StreamedCall call) {
        calls.put(callId, call);
    }

    void callEnded(long callId, StreamedCall call) {
        calls.remove(callId, call);
    }

    boolean streamInUse(long streamId) {
        return streams.containsKey(streamId);
    }

    boolean streamHeldBy(long streamId, StreamedCall call) {
        return streams.get(streamId) == call;
    }

    void streamOpened(long streamId, StreamedCall call) {
        streams.put(streamId, call);
    }

    void streamEnded(long streamId, StreamedCall call) {
        streams.remove(streamId, call);
    }
}
