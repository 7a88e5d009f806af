package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.StreamCounters;
import io.aldis.feature.rpc.internal.calls.StreamReply;
import io.aldis.feature.rpc.internal.streams.BatchCollector;
import io.aldis.feature.rpc.internal.streams.ItemCodec;
import io.aldis.protocol.api.stream.ListPublisher;
import io.aldis.feature.rpc.internal.streams.MappedPublisher;
import io.aldis.feature.rpc.internal.streams.StreamDeclaration;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * The part of a call of a streaming method that depends on how the caller takes the items
 * (docs/protocol.md 6.4.1): on a stream, opened through the streaming feature's
 * {@link CallStreams} when the caller set {@code STREAMS} and the feature is installed, or as
 * batches: a streamed parameter given as a JSON array, a streamed result collected into one.
 */
final class StreamedCalls {
    /** An RPC_RESPONSE's bytes before its result: type, flags, call id. */
    private static final int RESPONSE_HEADER = 10;
    /** The largest batch for a call made inside the node (the shell), which has no frame to fit. */
    private static final int LOCAL_BATCH_LIMIT = 16 * 1024 * 1024;

    private final Calls calls;
    private final Supplier<CallStreams> streams;

    StreamedCalls(Calls calls, Supplier<CallStreams> streams) {
        this.calls = calls;
        this.streams = streams;
    }

    /**
     * Puts the streamed parameter into {@code args} and opens the call's stream where the caller
     * takes one.
     *
     * @return false when the call was answered already (refused, or the stream could not open)
     */
    boolean prepare(Call call, StreamDeclaration declaration, Object[] args, ServiceCall work) {
        StreamOpener remote = call.streams() ? call.remoteStreams() : null;
        CallStreams available = call.streams() && call.session() != null ? streams.get() : null;
        boolean streaming = remote != null || available != null && available.streams(call.session());
        int parameter = declaration.parameter();
        if (!streaming) {
            if (call.streams() && parameter >= 0) {
                calls.fail(call, ErrorCode.STREAMING_UNAVAILABLE.code(), "streaming is not available now: call "
                        + call.method() + " again without streams, with the items of '"
                        + declaration.received().name() + "' as an array", "");
                return false;
            }
            if (parameter >= 0) {
                List<?> batch = args[parameter] == null ? List.of() : (List<?>) args[parameter];
                int nullAt = batch.indexOf(null);
                if (nullAt >= 0) {
                    // A Flow.Publisher cannot pass a null on.
                    InvalidParamsException e = new InvalidParamsException(List.of(new FieldError(
                            declaration.received().name() + "[" + nullAt + "]", "an item cannot be null")));
                    calls.fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
                    return false;
                }
                args[parameter] = new ListPublisher<>(declaration.received().fromBatch(batch));
            }
            return true;
        }
        if (parameter >= 0 && args[parameter] != null) {
            InvalidParamsException e = itemsOnTheStream(declaration.received().name());
            calls.fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
            return false;
        }
        CallStream stream;
        // Counted before the stream exists anywhere else, so that no one who sees it open (a
        // stream list, the caller) reads a count without it; a refused one is taken back.
        call.streamCounters().opened();
        try {
            stream = remote != null ? remote.open(declaration.spec(call.method()), new Listener(call))
                    : available.open(call.session(), call.callId(), declaration.spec(call.method()), new Listener(call));
        } catch (ProtocolException refused) {
            call.streamCounters().notOpened();
            calls.fail(call, refused.code().code(), refused.getMessage(), "");
            return false;
        }
        call.replyThrough(new StreamReply(stream));
        work.stream(stream, call);
        if (parameter >= 0) {
            ItemCodec codec = declaration.received();
            StreamCounters counters = call.streamCounters();
            args[parameter] = new MappedPublisher<byte[], Object>(stream.received(), item -> {
                counters.received(item.length);
                return codec.decode(item);
            });
        }
        return true;
    }

    /**
     * Answers a call whose method streams its result: sends the items on the call's stream (the
     * stream's end answers the call), or collects them into one JSON array.
     */
    void answer(Call call, StreamDeclaration declaration, Object result, ServiceCall work) {
        if (!(result instanceof Flow.Publisher<?> publisher)) {
            calls.fail(call, ErrorCode.SERVICE_ERROR.code(), call.method() + " returned no publisher of its items", "");
            return;
        }
        ItemCodec codec = declaration.sent();
        CallStream stream = work.stream();
        if (stream != null) {
            StreamCounters counters = call.streamCounters();
            stream.send(new MappedPublisher<Object, byte[]>(publisher, item -> {
                byte[] encoded = codec.encode(item);
                counters.sent(encoded.length);
                return encoded;
            }));
            return;
        }
        int limit = call.session() == null ? LOCAL_BATCH_LIMIT
                : call.session().limits().maxFrameSize() - RESPONSE_HEADER;
        CompletableFuture<byte[]> batch = BatchCollector.collect(publisher, codec, limit,
                call.session() == null ? "the node's batch limit" : "maxFrameSize", call.method());
        work.batch(batch, call);
        batch.whenComplete((json, failure) -> {
            if (failure == null) {
                calls.complete(call, json);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ProtocolException e) {
                calls.fail(call, e.code().code(), e.getMessage(), "");
            } else if (!call.isDone()) {
                ServiceExports.LOG.log(System.Logger.Level.DEBUG, "The items of " + call.method() + " failed", cause);
                calls.fail(call, ErrorCode.STREAM_FAILED.code(), "stream processing failed: " + describe(cause), "");
            }
        });
    }

    private static String describe(Throwable failure) {
        if (failure instanceof InvalidParamsException || failure instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            return "an item could not be encoded as JSON";
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** Answers the call as its stream ends. */
    private final class Listener implements CallStreamListener {
        private final Call call;

        Listener(Call call) {
            this.call = call;
        }

        @Override
        public void ended() {
            calls.complete(call, "null".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void failed(int code, String message) {
            calls.fail(call, code, message, "");
        }
    }

    /** The error for a streamed parameter sent in the parameters of a call that takes streams. */
    static InvalidParamsException itemsOnTheStream(String parameter) {
        return new InvalidParamsException(List.of(new FieldError(parameter,
                "comes on the call's stream: give null here")));
    }
}
