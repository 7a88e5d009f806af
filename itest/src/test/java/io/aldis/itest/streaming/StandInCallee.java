package io.aldis.itest.streaming;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A callee of calls with streams, in place of the RPC feature, for socket tests of the streaming
 * feature: it serves RPC_REQUEST and RPC_CANCEL the way the RPC feature does with CallStreams, for
 * a few fixed methods whose parameters are a JSON array of integers:
 *
 * <ul>
 * <li>{@code test.ticks [count, size]}: streams {@code count} items of {@code size} bytes to the
 * caller, counting credit by items; each item starts with its number as 8 bytes.</li>
 * <li>{@code test.blocks [count, size]}: the same, counting credit by bytes.</li>
 * <li>{@code test.sink [h]}: takes the caller's items with a high-water mark of {@code h}, one at a
 * time, and answers with how many came.</li>
 * <li>{@code test.lazySink [h]}: the same, but never asks for an item.</li>
 * </ul>
 */
final class StandInCallee implements FrameHandler {
    /** The items sent for one call: what the caller's credit let the node ask for, and whether it was cancelled. */
    static final class Ticks implements Flow.Publisher<byte[]> {
        final AtomicLong requested = new AtomicLong();
        final AtomicLong emitted = new AtomicLong();
        final CountDownLatch cancelled = new CountDownLatch(1);
        private final long count;
        private final int size;

        Ticks(long count, int size) {
            this.count = count;
            this.size = size;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    requested.addAndGet(n);
                    for (long i = 0; i < n && !done && emitted.get() < count; i++) {
                        byte[] item = new byte[Math.max(8, size)];
                        ByteBuffer.wrap(item).putLong(emitted.getAndIncrement());
                        subscriber.onNext(size < 8 ? java.util.Arrays.copyOf(item, 8) : item);
                    }
                    if (!done && emitted.get() == count) {
                        done = true;
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    done = true;
                    cancelled.countDown();
                }
            });
        }
    }

    private final Supplier<CallStreams> streams;
    final Map<Long, CallStream> calls = new ConcurrentHashMap<>();
    final Map<Long, Ticks> ticks = new ConcurrentHashMap<>();
    /** How each call's stream ended, as its listener was told: "ended", or the code and message. */
    final Map<Long, java.util.concurrent.CompletableFuture<String>> outcomes = new ConcurrentHashMap<>();

    StandInCallee(Supplier<CallStreams> streams) {
        this.streams = streams;
    }

    @Override
    public Set<FrameType> frameTypes() {
        return EnumSet.of(FrameType.RPC_REQUEST, FrameType.RPC_CANCEL);
    }

    @Override
    public void handle(Session session, Frame frame) {
        if (frame instanceof RpcCancel cancel) {
            CallStream stream = calls.remove(cancel.callId());
            if (stream != null) {
                stream.close(ErrorCode.CANCELLED.code(), "the call was cancelled");
                stream.answer(new RpcError(cancel.callId(), ErrorCode.CANCELLED.code(), "the call was cancelled", ""));
            }
            return;
        }
        RpcRequest request = (RpcRequest) frame;
        long callId = request.callId();
        long[] params = params(request.params());
        CallStreams available = streams.get();
        if (!request.streams() || available == null || !available.streams(session)) {
            session.send(new RpcError(callId, ErrorCode.STREAMING_UNAVAILABLE.code(), "no streams", ""));
            return;
        }
        try {
            switch (request.method()) {
                case "test.ticks", "test.blocks" -> {
                    CreditMode mode = request.method().equals("test.ticks") ? CreditMode.ITEMS : CreditMode.BYTES;
                    // Known before the stream opens: a test may hear of the open, and act on it,
                    // before this thread gets past open().
                    Ticks items = new Ticks(params[0], (int) params[1]);
                    ticks.put(callId, items);
                    CallStream stream = available.open(session, callId,
                            new StreamSpec(request.method(), StreamDirection.CALLEE_TO_CALLER, mode, null, 0),
                            answer(session, callId));
                    calls.put(callId, stream);
                    stream.send(items);
                }
                case "test.sink", "test.lazySink" -> {
                    CallStream stream = available.open(session, callId, new StreamSpec(request.method(),
                            StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, null, (int) params[0]),
                            answer(session, callId));
                    calls.put(callId, stream);
                    stream.received().subscribe(new Counter(session, callId, stream,
                            request.method().equals("test.sink")));
                }
                default -> session.send(new RpcError(callId, ErrorCode.METHOD_NOT_FOUND.code(), "no such method", ""));
            }
        } catch (ProtocolException refused) {
            session.send(new RpcError(callId, refused.code().code(), refused.getMessage(), ""));
        }
    }

    /**
     * The call's answer as the stream's end decides it, given to the stream from the listener's
     * thread, as RPC does.
     */
    private CallStreamListener answer(Session session, long callId) {
        java.util.concurrent.CompletableFuture<String> outcome = outcomes.computeIfAbsent(callId,
                id -> new java.util.concurrent.CompletableFuture<>());
        return new CallStreamListener() {
            @Override
            public void ended() {
                outcome.complete("ended");
                reply(session, calls.remove(callId), new RpcResponse(callId, "null".getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public void failed(int code, String message) {
                outcome.complete(code + " " + message);
                reply(session, calls.remove(callId), new RpcError(callId, code, message, ""));
            }
        };
    }

    private static void reply(Session session, CallStream stream, Frame answer) {
        if (stream != null) {
            stream.answer(answer);
        } else {
            session.send(answer);
        }
    }

    /** A service that counts the caller's items, asking for one at a time when {@code eager}. */
    private final class Counter implements Flow.Subscriber<byte[]> {
        private final Session session;
        private final long callId;
        private final CallStream stream;
        private final boolean eager;
        private Flow.Subscription subscription;
        private long count;

        Counter(Session session, long callId, CallStream stream, boolean eager) {
            this.session = session;
            this.callId = callId;
            this.stream = stream;
            this.eager = eager;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (eager) {
                s.request(1);
            }
        }

        @Override
        public void onNext(byte[] item) {
            count++;
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            // the listener answers the call
        }

        @Override
        public void onComplete() {
            if (calls.remove(callId) != null) {
                stream.close(0, "");
                stream.answer(new RpcResponse(callId, Long.toString(count).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static long[] params(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8).replaceAll("[\\[\\]\\s]", "");
        if (text.isEmpty()) {
            return new long[0];
        }
        String[] parts = text.split(",");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }
}
