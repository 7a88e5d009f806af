package io.aldis.client.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ResumePoint;
import io.aldis.protocol.api.stream.StreamIds;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One call of a streaming method made by this client (docs/protocol.md 6.4): sends RPC_REQUEST
 * with the {@code STREAMS} flag when the session has streams in both masks, answers STREAM_OPEN
 * (granting its high-water mark for a streamed result, sending a streamed parameter within the
 * callee's credit), follows the stream to its end, and settles the call with the answer. Without
 * streams, or when the callee cannot take a streamed parameter ({@code STREAMING_UNAVAILABLE}),
 * it makes the call as a batch (6.4.1).
 *
 * <p>When the connection breaks and the client resumes its session, a call whose stream is open is
 * kept: it waits, suspended, for the session's resume and then resumes its stream (6.4.7); its
 * deadline keeps running meanwhile.
 *
 * <p>Frames reach it on the client's callback thread, one at a time; the subscriber and the
 * parameter's publisher act on threads of their own. State changes under the lock; the
 * application's code never runs under it.
 */
final class StreamedCall implements ResultItems.Owner, ParamItems.Owner {
    /** How long after its deadline the client stops waiting for the node's own DEADLINE_EXCEEDED. */
    private static final long GRACE_MILLIS = 1_000;
    /** RPC_REQUEST without method and params: type, flags, callId, timeoutMillis, the method's length. */
    private static final int REQUEST_OVERHEAD = 2 + 8 + 4 + 2;

    private final StreamCalls registry;
    private final StreamHost host;
    private final String method;
    private final CallParams params;
    private final Flow.Publisher<?> paramSource;
    private final CallOptions options;
    private final long timeoutMillis;
    /** The receiving side for a streamed result; null for a call with one result value. */
    private final ResultItems result;
    private final ItemCodec resultCodec;
    /** The result of a call with one result value; null for a streamed result. */
    private final CompletableFuture<Object> value;
    private final Type valueType;

    // guarded by this
    private long callId;
    private boolean streamsFlag;
    private boolean retried;
    private long streamId;
    private CreditMeter meter;
    private boolean receiving;
    private ParamItems param;
    private boolean finished;
    /** The call's answer arrived: nothing of it is to be cancelled any more. */
    private boolean answered;
    /** Whether RPC_REQUEST of the current attempt went out (a batch is collected first). */
    private boolean requestSent;
    /** The connection RPC_REQUEST went out on. */
    private Object sentOn;
    /** The batch of the streamed parameter being collected, to stop when the call ends first. */
    private CompletableFuture<byte[]> collecting;
    private io.netty.util.Timeout timer;
    /** The connection broke and the stream waits for the session's resume (6.4.7). */
    private boolean suspended;
    /** The call ended here while suspended: its cancels go out after the resume. */
    private boolean cancelOnResume;
    /** Whether this side received items when the stream was suspended: its STREAM_RESUME says so. */
    private boolean resumeReceiving;
    /** The connection the stream was last resumed on; null before any resume. */
    private Object resumedOn;

    private StreamedCall(StreamCalls registry, StreamHost host, String method, CallParams params, CallOptions options,
            Flow.Subscriber<?> subscriber, Type resultItemType, Type valueType) {
        this.registry = registry;
        this.host = host;
        this.method = method;
        this.params = params;
        this.paramSource = params.stream();
        this.options = options;
        Duration timeout = options.timeout() != null ? options.timeout() : host.defaultTimeout();
        this.timeoutMillis = timeout.isZero() ? 0 : Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (subscriber != null) {
            this.resultCodec = new ItemCodec(host.mapper(), resultItemType);
            // A lane of its own, so that a subscriber that takes its time holds up no other call's answer.
            this.result = new ResultItems(subscriber, resultCodec, host, this, host.streamDelivery(), true);
            this.value = null;
        } else {
            this.resultCodec = null;
            this.result = null;
            this.value = host.newFuture();
        }
        this.valueType = valueType;
    }

    /** A call whose result streams to {@code subscriber}; {@code start()} it after {@code onSubscribe}. */
    static StreamedCall streamedResult(StreamCalls registry, StreamHost host, String method, CallParams params,
            Type itemType, CallOptions options, Flow.Subscriber<?> subscriber) {
        return new StreamedCall(registry, host, method, params, options, subscriber, itemType, null);
    }

    /** A call with a streamed parameter and one result of {@code resultType}. */
    static StreamedCall streamedParam(StreamCalls registry, StreamHost host, String method, CallParams params,
            Type resultType, CallOptions options) {
        StreamedCall call = new StreamedCall(registry, host, method, params, options, null, null, resultType);
        call.value.whenComplete((v, e) -> {
            if (call.value.isCancelled()) {
                call.subscriberCancelled();
            }
        });
        return call;
    }

    /** The subscription the subscriber of a streamed result gets. */
    Flow.Subscription subscription() {
        return result;
    }

    /** The client stopped sharing its connection: a streamed result returns what it held back. */
    void shareLifted() {
        if (result != null) {
            result.shareLifted();
        }
    }

    /** The future of a call with one result value. */
    CompletableFuture<Object> future() {
        return value;
    }

    // ---------------------------------------------------------------- making the call

    /** Makes the call: with streams when the session has them, otherwise as a batch. */
    void start() {
        SessionInfo session = host.openSession();
        if (session == null) {
            fail(new RpcCallException(ErrorCode.CONNECTION_LOST, "not connected: " + method + " was not sent"));
            return;
        }
        if (!session.has(Capability.RPC)) {
            fail(new RpcCallException(ErrorCode.CAPABILITY_UNAVAILABLE, "the node does not offer RPC on this session now"));
            return;
        }
        send(host.announcedStreams() && session.has(Capability.STREAMS), session.maxFrameSize());
    }

    private void send(boolean streams, int maxFrameSize) {
        long id = host.nextCallId();
        synchronized (this) {
            if (finished) {
                return;
            }
            callId = id;
            answered = false;
            requestSent = false;
            streamsFlag = streams;
            streamId = 0;
            receiving = false;
            param = null;
        }
        registry.callStarted(id, this);
        if (streams || paramSource == null) {
            sendRequest(id, streams, null, maxFrameSize);
            return;
        }
        String tooLarge = "the items of the streamed parameter of " + method + " do not fit in one frame of the node's "
                + "maxFrameSize (" + maxFrameSize + " bytes); the node does not offer streams now";
        CompletableFuture<byte[]> batch = BatchCollector.collect(paramSource, params.streamCodec(), maxFrameSize,
                tooLarge);
        synchronized (this) {
            collecting = batch;
        }
        batch.whenComplete((array, error) -> {
            if (batch.isCancelled()) {
                registry.callEnded(id, this);
            } else if (error != null) {
                registry.callEnded(id, this);
                fail(error instanceof RpcCallException r ? r : new RpcCallException(ErrorCode.STREAM_FAILED.code(),
                        String.valueOf(error.getMessage()), "", error));
            } else {
                sendRequest(id, false, array, maxFrameSize);
            }
        });
    }

    /** Sends RPC_REQUEST; {@code batch} replaces the streamed parameter, or null sends JSON null for it. */
    private void sendRequest(long id, boolean streams, byte[] batch, int maxFrameSize) {
        byte[] json;
        try {
            json = params.encode(host.mapper(), batch);
        } catch (Exception e) {
            registry.callEnded(id, this);
            fail(new RpcCallException(ErrorCode.INVALID_PARAMS.code(), "the parameters of " + method
                    + " cannot be encoded as JSON", "", e));
            return;
        }
        long frameSize = REQUEST_OVERHEAD + method.getBytes(StandardCharsets.UTF_8).length + (long) json.length;
        if (frameSize > maxFrameSize) {
            registry.callEnded(id, this);
            fail(new RpcCallException(ErrorCode.MESSAGE_TOO_LARGE, "the call of " + method + " takes " + frameSize
                    + " bytes, more than the node's maxFrameSize (" + maxFrameSize + " bytes); it was not sent"));
            return;
        }
        synchronized (this) {
            if (finished || callId != id) {
                registry.callEnded(id, this);
                return;
            }
            if (timeoutMillis > 0) {
                timer = host.schedule(() -> deadlinePassed(id), timeoutMillis + GRACE_MILLIS);
            }
            requestSent = true;
            sentOn = host.connection();
        }
        host.send(new RpcRequest(streams, id, (int) timeoutMillis, method, json), error -> {
            registry.callEnded(id, this);
            fail(new RpcCallException(ErrorCode.CONNECTION_LOST, "not connected: " + method + " was not sent"));
        });
    }

    private void deadlinePassed(long id) {
        boolean kept;
        synchronized (this) {
            if (callId != id || finished) {
                return;
            }
            kept = suspended;
        }
        sendCancels();
        if (!kept) {
            // A kept call stays to be resumed and cancelled, and to take the node's answer then.
            registry.callEnded(id, this);
        }
        fail(new RpcCallException(ErrorCode.DEADLINE_EXCEEDED, method + " got no answer within " + timeoutMillis + " ms"));
    }

    // ---------------------------------------------------------------- the stream's frames

    /** STREAM_OPEN for this call; answered here, as 6.4.2 says. */
    void opened(StreamOpen open) {
        synchronized (this) {
            if (!streamsFlag || streamId != 0) {
                host.send(new StreamError(open.streamId(), ErrorCode.PROTOCOL_ERROR.code(), streamsFlag
                        ? "a second STREAM_OPEN for call " + open.callId()
                        : "STREAM_OPEN for call " + open.callId() + ", which was not made with STREAMS"));
                return;
            }
            if (finished) {
                return; // crossed the call's cancel, which ends the stream on the node too
            }
        }
        if (StreamIds.openerOf(open.streamId()) != StreamIds.Opener.NODE || registry.streamInUse(open.streamId())) {
            host.send(new StreamError(open.streamId(), ErrorCode.PROTOCOL_ERROR.code(), "stream id " + open.streamId()
                    + (open.streamId() % 2 != 0 ? " is odd: the node opens streams with even ids" : " is already in use")));
            return;
        }
        boolean calleeSends = open.direction().calleeSends();
        boolean callerSends = open.direction().callerSends();
        String refusal = null;
        if (!callerSends && open.initialCredit() != 0) {
            refusal = "STREAM_OPEN of direction 1 with an initialCredit of " + open.initialCredit() + " instead of 0";
        } else if (callerSends && open.initialCredit() == 0) {
            refusal = "STREAM_OPEN of direction " + open.direction().code() + " without initialCredit";
        } else if (calleeSends && result == null) {
            refusal = "the call of " + method + " takes no streamed result";
        } else if (callerSends && paramSource == null) {
            refusal = "the call of " + method + " has no streamed parameter";
        }
        if (refusal != null) {
            host.send(new StreamError(open.streamId(), ErrorCode.PROTOCOL_ERROR.code(), refusal));
            return;
        }
        CreditMeter streamMeter;
        try {
            streamMeter = CreditMeter.forStream(open.creditMode(), sizeFunctionName(open.metadata()),
                    host::sizeFunction);
        } catch (ProtocolException e) {
            host.send(new StreamError(open.streamId(), e.code().code(), e.getMessage()));
            streamFailed(e.code().code(), e.getMessage());
            return;
        }
        int highWaterMark = highWaterMark(open.creditMode());
        ParamItems sending = null;
        synchronized (this) {
            if (finished) {
                return;
            }
            streamId = open.streamId();
            meter = streamMeter;
            receiving = calleeSends;
            if (callerSends) {
                sending = new ParamItems(paramSource, params.streamCodec(), host, this, streamId, streamMeter);
                param = sending;
            }
        }
        registry.streamOpened(open.streamId(), this);
        if (calleeSends) {
            result.open(open.streamId(), highWaterMark);
            host.send(new StreamCredit(open.streamId(), highWaterMark));
        }
        if (sending != null) {
            sending.open(open.initialCredit());
        }
    }

    private String sizeFunctionName(String metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        try {
            JsonNode name = host.mapper().readTree(metadata).get(CreditMeter.SIZE_FUNCTION_MEMBER);
            return name != null && name.isTextual() ? name.textValue() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private int highWaterMark(CreditMode mode) {
        if (options.streamHighWaterMark() > 0) {
            return options.streamHighWaterMark();
        }
        return mode == CreditMode.ITEMS ? CallOptions.DEFAULT_ITEMS_HIGH_WATER_MARK
                : CallOptions.DEFAULT_BYTES_HIGH_WATER_MARK;
    }

    /** STREAM_DATA on this call's stream. */
    void data(StreamData data) {
        CreditMeter m;
        synchronized (this) {
            if (!receiving || finished) {
                return;
            }
            m = meter;
        }
        try {
            result.arrived(data.item(), m.costOf(data.item()), data.last());
            registry.receivedDuringDispatch(result);
        } catch (ProtocolException e) {
            long id;
            synchronized (this) {
                id = streamId;
            }
            host.send(new StreamError(id, e.code().code(), e.getMessage()));
            streamFailed(e.code().code(), e.getMessage());
        }
    }

    /** STREAM_END on this call's stream. */
    void end() {
        synchronized (this) {
            if (!receiving) {
                return;
            }
        }
        result.endReceived();
    }

    /** STREAM_CREDIT for this call's streamed parameter. */
    void credit(StreamCredit credit) {
        ParamItems sending;
        long id;
        synchronized (this) {
            sending = param;
            id = streamId;
        }
        if (sending == null) {
            return;
        }
        try {
            sending.grant(credit.credit());
        } catch (ProtocolException e) {
            host.send(new StreamError(id, e.code().code(), e.getMessage()));
            streamFailed(e.code().code(), e.getMessage());
        }
    }

    /** STREAM_CANCEL: the callee wants no more of the parameter's items. */
    void cancelledByCallee() {
        ParamItems sending;
        synchronized (this) {
            sending = param;
        }
        if (sending != null) {
            sending.close();
        }
    }

    /** STREAM_ERROR from the callee. */
    void streamError(StreamError error) {
        boolean resumed;
        synchronized (this) {
            resumed = resumedOn != null && resumedOn == host.connection();
        }
        if (resumed && error.code() == ErrorCode.STREAM_NOT_FOUND.code()) {
            // The answer to this side's STREAM_RESUME: the node did not keep the stream, nor the call.
            connectionLost("the node did not keep its stream");
            return;
        }
        streamFailed(error.code(), error.message());
    }

    /** The node's STREAM_RESUME: where it stands on the items of the streamed parameter (6.4.7, step 3). */
    void peerResumed(StreamResume resume) {
        ParamItems sending;
        long id;
        synchronized (this) {
            sending = param;
            id = streamId;
        }
        if (sending == null || !resume.receiving()) {
            return; // nothing of this side's items to go on with
        }
        try {
            sending.resumed(ResumePoint.of(resume));
        } catch (ProtocolException e) {
            host.send(new StreamError(id, e.code().code(), e.getMessage()));
            streamFailed(e.code().code(), e.getMessage());
        }
    }

    /**
     * The stream ended with an error, sent or received: both directions close, and the caller is
     * failed now unless the call may still be made again as a batch, which its answer decides.
     */
    private void streamFailed(int code, String message) {
        closeStream();
        if (!mayRetryAsBatch(code)) {
            fail(new RpcCallException(code, message, ""));
        }
    }

    private void closeStream() {
        ParamItems sending;
        long id;
        synchronized (this) {
            sending = param;
            id = streamId;
            receiving = false;
        }
        if (id != 0) {
            registry.streamEnded(id, this);
        }
        if (sending != null) {
            sending.close();
        }
        if (result != null) {
            result.streamClosed();
        }
    }

    // ---------------------------------------------------------------- the call's answer

    /** RPC_RESPONSE for this call. */
    void answered(byte[] resultJson) {
        long id = endAttempt();
        registry.callEnded(id, this);
        ParamItems sending;
        boolean streamed;
        long stream;
        boolean overBefore;
        synchronized (this) {
            sending = param;
            streamed = receiving;
            stream = streamId;
            receiving = false;
            overBefore = finished;
            finished = true;
            answered = true;
        }
        if (stream != 0) {
            registry.streamEnded(stream, this);
        }
        if (sending != null) {
            sending.close(); // the answer closes what is still open
        }
        if (overBefore) {
            return; // failed or cancelled already: the answer only ends the call
        }
        if (value != null) {
            try {
                value.complete(decodeValue(resultJson));
            } catch (Exception e) {
                value.completeExceptionally(new RpcCallException(ErrorCode.SERVICE_ERROR.code(), "the result of "
                        + method + " cannot be read as " + valueType.getTypeName(), "", e));
            }
            return;
        }
        if (streamed) {
            result.answered();
            return;
        }
        try {
            result.batch(resultCodec.splitBatch(resultJson));
        } catch (Exception e) {
            String why = e instanceof ItemCodec.NotABatch ? e.getMessage() : "an item does not fit the type";
            result.fail(new RpcCallException(ErrorCode.SERVICE_ERROR.code(), "the result of " + method
                    + " cannot be read as a list of " + resultCodec.typeName() + ": " + why, "", e));
        }
    }

    /** RPC_ERROR for this call, or ERROR carrying its id (the node refused it before any callee saw it). */
    void failed(int code, String message, String details) {
        long id = endAttempt();
        registry.callEnded(id, this);
        closeStream();
        synchronized (this) {
            answered = true;
            if (finished) {
                return;
            }
        }
        if (code == ErrorCode.STREAMING_UNAVAILABLE.code() || mayRetryAsBatch(code)) {
            boolean again;
            synchronized (this) {
                again = streamsFlag && !retried;
                retried = true;
            }
            SessionInfo session = host.openSession();
            if (again && session != null) {
                send(false, session.maxFrameSize());
                return;
            }
        }
        fail(new RpcCallException(code, message, details));
    }

    /** Whether a stream failure with {@code code} lets the call be made again as a batch (6.4.1). */
    private boolean mayRetryAsBatch(int code) {
        if (!options.batchAfterStreamError()) {
            return false;
        }
        if (code != ErrorCode.STREAM_FAILED.code() && code != ErrorCode.UNKNOWN_SIZE_FUNCTION.code()
                && code != ErrorCode.STREAM_LIMIT.code()) {
            return false;
        }
        synchronized (this) {
            if (!streamsFlag || retried || finished) {
                return false;
            }
        }
        return result == null || !result.deliveredAny();
    }

    /** Ends the attempt in flight: its deadline no longer counts. Returns its call id. */
    private synchronized long endAttempt() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        return callId;
    }

    private Object decodeValue(byte[] json) throws Exception {
        if (valueType == void.class || valueType == Void.class || json.length == 0) {
            return null;
        }
        return host.mapper().readerFor(host.mapper().constructType(valueType)).readValue(json);
    }

    /** Whether the call went out on a connection other than {@code open} (null: none is open). */
    synchronized boolean sentOnOtherThan(Object open) {
        return requestSent && (open == null || sentOn != open);
    }

    /**
     * The connection broke and the client will try to resume its session: keeps the call when its
     * stream is open, so that it goes on after the resume. A call whose STREAM_OPEN has not come has
     * no stream to resume, and one that is over here has nothing left to resume.
     *
     * @return whether the call was kept; if not, it is for the caller to end it
     */
    boolean suspend() {
        ParamItems sending;
        boolean resultOpen;
        synchronized (this) {
            if (finished || streamId == 0 || !registry.streamHeldBy(streamId, this)) {
                return false;
            }
            suspended = true;
            sending = param;
            resultOpen = receiving;
            resumeReceiving = receiving;
        }
        if (resultOpen) {
            result.suspend();
        }
        if (sending != null) {
            sending.suspend();
        }
        return true;
    }

    /** Whether the call waits for the session's resume. */
    synchronized boolean suspended() {
        return suspended;
    }

    /** Whether the call's stream was resumed on {@code connection}. */
    synchronized boolean resumedOn(Object connection) {
        return resumedOn != null && resumedOn == connection;
    }

    /**
     * The session was resumed on {@code connection}: sends this side's STREAM_RESUME (6.4.7, step
     * 1), then the cancels of a call that ended here meanwhile. The items of a streamed parameter
     * wait for the node's STREAM_RESUME.
     */
    void resume(Object connection) {
        long id;
        boolean resultOpen;
        boolean cancel;
        synchronized (this) {
            if (!suspended) {
                return;
            }
            suspended = false;
            resumedOn = connection;
            sentOn = connection;
            id = streamId;
            resultOpen = resumeReceiving;
            cancel = cancelOnResume;
            cancelOnResume = false;
        }
        if (resultOpen) {
            result.resume(id);
        } else {
            host.send(StreamResume.senderOnly(id));
        }
        if (cancel) {
            sendCancels();
        }
    }

    /** The connection broke: the call fails as every call in flight does, and is not made again. */
    void connectionLost(String reason) {
        long id = endAttempt();
        registry.callEnded(id, this);
        closeStream();
        fail(new RpcCallException(ErrorCode.CONNECTION_INTERRUPTED.code(), "the connection broke while " + method
                + " was in flight (" + reason + "); it was not sent again", ""));
    }

    // ---------------------------------------------------------------- ending early

    /** Fails the caller once; what the node still sends for the call is dropped when it comes. */
    private void fail(Throwable error) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        ParamItems sending;
        synchronized (this) {
            sending = param;
        }
        if (sending != null) {
            sending.close();
        }
        if (value != null) {
            value.completeExceptionally(error);
        } else {
            result.fail(error);
        }
    }

    @Override
    public void subscriberCancelled() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        sendCancels();
        ParamItems sending;
        synchronized (this) {
            sending = param;
        }
        if (sending != null) {
            sending.close();
        }
        if (value != null && !value.isDone()) {
            value.completeExceptionally(new RpcCallException(ErrorCode.CANCELLED, method + " was cancelled"));
        }
    }

    @Override
    public void itemUnreadable() {
        synchronized (this) {
            finished = true;
        }
        sendCancels();
    }

    /** STREAM_CANCEL for result items still coming, then RPC_CANCEL for the call. */
    private void sendCancels() {
        long id;
        long stream;
        boolean stopItems;
        CompletableFuture<byte[]> batch;
        synchronized (this) {
            batch = collecting;
            if (answered || !requestSent || suspended) {
                cancelOnResume |= suspended && !answered;
                id = 0;
                stream = 0;
                stopItems = false;
            } else {
                id = callId;
                stream = streamId;
                stopItems = receiving;
            }
        }
        if (batch != null) {
            batch.cancel(true);
        }
        if (stopItems) {
            host.send(new StreamCancel(stream));
        }
        if (result != null) {
            result.streamClosed();
        }
        if (id != 0) {
            host.send(new RpcCancel(id));
        }
    }

    @Override
    public void paramFailed(ErrorCode code, String message) {
        long id;
        boolean kept;
        synchronized (this) {
            id = streamId;
            kept = suspended;
            // No connection to say it on: the node learns of the end from the cancel after the resume.
            cancelOnResume |= kept;
        }
        if (kept) {
            closeStream();
            fail(new RpcCallException(code.code(), message, "")); // no batch retry of a call the node still has
            return;
        }
        if (id != 0) {
            host.send(new StreamError(id, code.code(), message));
        }
        streamFailed(code.code(), message);
    }

    @Override
    public String toString() {
        return "streaming call of " + method;
    }
}
