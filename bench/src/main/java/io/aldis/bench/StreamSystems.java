package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.protocol.api.stream.StreamCredit;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream systems under comparison. Every round opens one stream, lets it run for a short
 * ramp, counts the items that pass in the measured window, and cancels it: rates are items per
 * second, at the receiver for a stream to the caller and for echoes, at the sender for a stream
 * to the callee (whose items go out only as the callee's window lets them).
 */
final class StreamSystems {
    static final String ALDIS = "Aldis (AldisClient.callStream)";
    /** Opt-in: the client's callbacks, the stream's subscriber among them, run on its I/O thread. */
    static final String ALDIS_IO = "Aldis, callbacks on the I/O thread";
    /** The node calling services' publishers and subscribers on its workers only, as before: {@code publisherOnLoopMicros = 0}. */
    static final String ALDIS_WORKERS = "Aldis, node calls services on its workers";
    /** The defaults, with node and client on Java's NIO ({@code aldis.io=nio}) instead of the default transport. */
    static final String ALDIS_NIO = "Aldis, NIO node and client (aldis.io=nio)";
    static final String RSOCKET = "RSocket (rsocket-java, own JVMs)";
    static final String GRPC = "gRPC streaming (grpc-java)";

    private static final long RAMP_MILLIS = 200;

    private StreamSystems() {
    }

    /** Which way items flow, relative to the call. */
    enum Direction {
        /** callee to caller (server streaming) */
        TO_CALLER,
        /** caller to callee (client streaming) */
        TO_CALLEE,
        /** both ways: the callee echoes every item */
        BOTH
    }

    /**
     * One stream workload: its direction, the size of its items, and the receivers' window in
     * items ({@code window × itemSize} bytes in bytes mode, where credit counts bytes).
     */
    record Workload(Direction direction, int itemSize, int window, boolean bytesMode) {
        String describe() {
            return switch (direction) {
                case TO_CALLER -> "callee→caller";
                case TO_CALLEE -> "caller→callee";
                case BOTH -> "bidirectional echo";
            } + String.format(Locale.ROOT, ", %d-byte items, window %s", itemSize,
                    bytesMode ? (window * (long) itemSize >> 10) + " KiB (bytes credit)" : window + " items");
        }
    }

    interface System extends AutoCloseable {
        String name();

        /** One round of {@code workload}: items per second in the measured window. */
        double round(Workload workload, double seconds) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Lets a stream ramp up, then counts what {@code counter} gained per second over {@code seconds}. */
    static double measure(AtomicLong counter, double seconds) throws InterruptedException {
        Thread.sleep(RAMP_MILLIS);
        long c0 = counter.get();
        long t0 = java.lang.System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = counter.get();
        long t1 = java.lang.System.nanoTime();
        return (c1 - c0) / ((t1 - t0) / 1e9);
    }

    // ---------------------------------------------------------------- Aldis

    /**
     * The node's {@link StreamService}, exported as {@code streams}, called through
     * {@code AldisClient.callStream} (a streamed result, and both ways) and
     * {@code AldisClient.callWithStream} (a streamed parameter), as a user of the Java client calls
     * it: the subscriber requests without bound and the client's credit (its high-water mark, the
     * workload's window) paces the node. The client is the caller's and is closed with the system.
     */
    static System aldis(AldisClient client) {
        return aldis(client, ALDIS);
    }

    /** As {@link #aldis(AldisClient)}, under the name of the client's variant. */
    static System aldis(AldisClient client, String name) {
        return new System() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double round(Workload w, double seconds) throws Exception {
                AtomicLong counted = new AtomicLong();
                Runnable cancel = switch (w.direction()) {
                    case TO_CALLER -> receive(client, w.bytesMode() ? "streams.blocks" : "streams.items",
                            new Object[] {w.itemSize()}, highWaterMark(w), counted);
                    case TO_CALLEE -> {
                        CompletableFuture<Long> call = client.callWithStream("streams.sink",
                                new Object[] {new RepeatPublisher(PubSubSystems.payload(w.itemSize()), counted)},
                                Long.class, CallOptions.noTimeout());
                        call.whenComplete((n, e) -> failed("caller→callee stream", e));
                        yield () -> call.cancel(true);
                    }
                    case BOTH -> receive(client, "streams.echo", new Object[] {new RepeatPublisher(
                            PubSubSystems.payload(w.itemSize()), new AtomicLong())}, highWaterMark(w), counted);
                };
                try {
                    return measure(counted, seconds);
                } finally {
                    cancel.run();
                }
            }

            @Override
            public void close() {
                client.close().join();
            }
        };
    }

    /** The caller's window in its credit unit: bytes in bytes mode, items otherwise. */
    static int highWaterMark(Workload w) {
        return w.bytesMode() ? w.window() * w.itemSize() : w.window();
    }

    /**
     * Subscribes to a streamed result and counts its items until the returned action cancels the
     * subscription (which cancels the call).
     */
    static Runnable receive(AldisClient client, String method, Object[] params, int highWaterMark, AtomicLong counted) {
        Flow.Publisher<byte[]> items = client.callStream(method, params, byte[].class,
                CallOptions.noTimeout().withStreamHighWaterMark(highWaterMark));
        CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
        items.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscribed.complete(subscription);
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(byte[] item) {
                counted.incrementAndGet();
            }

            @Override
            public void onError(Throwable failure) {
                failed(method, failure);
            }

            @Override
            public void onComplete() {
                java.lang.System.out.println(method + ": the stream ended by itself");
            }
        });
        return () -> subscribed.join().cancel();
    }

    private static void failed(String what, Throwable failure) {
        if (failure != null && !(failure instanceof java.util.concurrent.CancellationException)) {
            java.lang.System.out.println(what + " failed: " + failure);
        }
    }

    // ---------------------------------------------------------------- RSocket (own JVMs)

    /**
     * RSocket request-stream with {@code limitRate(window)}, and request-channel for the other
     * directions; server and client each in a JVM of its own ({@code bench/rsocket-peer}, which
     * needs Netty 4.1), the client measuring as this class does.
     */
    static System rsocket(String classPath) throws Exception {
        ChildJvm server = new ChildJvm(classPath, "io.aldis.bench.rsocket.RsocketPeer", "server");
        int port = Integer.parseInt(server.expect("RSOCKET")[1]);
        ChildJvm client = new ChildJvm(classPath, "io.aldis.bench.rsocket.RsocketPeer", "client",
                Integer.toString(port), "128");
        client.expect("READY");
        return new System() {
            @Override
            public String name() {
                return RSOCKET;
            }

            @Override
            public double round(Workload w, double seconds) throws Exception {
                client.send(switch (w.direction()) {
                    case TO_CALLER -> "stream " + w.itemSize() + " " + w.window() + " " + seconds;
                    case TO_CALLEE -> "sink " + w.itemSize() + " " + seconds;
                    case BOTH -> "echo " + w.itemSize() + " " + w.window() + " " + seconds;
                });
                return Double.parseDouble(client.expect("RESULT")[1]);
            }

            @Override
            public void close() {
                client.close();
                server.close();
            }
        };
    }

    // ---------------------------------------------------------------- gRPC

    /**
     * grpc-java streaming calls with flow control by hand: the receiver of items requests
     * {@code window} of them first and half of it again each time half was consumed; the sender
     * sends while gRPC says the call is ready. The server ({@link GrpcEcho}) runs in a JVM of its
     * own, from {@code classPath}, with the callee's window of a streaming method of the node.
     */
    static System grpc(String classPath) throws Exception {
        ChildJvm server = new ChildJvm(classPath, GrpcEcho.class.getName(),
                Integer.toString(StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK));
        int port = Integer.parseInt(server.expect("GRPC")[1]);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .flowControlWindow(GrpcEcho.FLOW_CONTROL_WINDOW).build();
        return new System() {
            @Override
            public String name() {
                return GRPC;
            }

            @Override
            public double round(Workload w, double seconds) throws Exception {
                GrpcRound round = new GrpcRound(channel, w);
                try {
                    return measure(round.counted, seconds);
                } finally {
                    round.cancel();
                }
            }

            @Override
            public void close() throws InterruptedException {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.close();
            }
        };
    }

    /** One gRPC stream of a round. */
    private static final class GrpcRound extends ClientCall.Listener<byte[]> {
        final AtomicLong counted = new AtomicLong();
        private final Workload workload;
        private final ClientCall<byte[], byte[]> call;
        private final byte[] item;
        private final int half;
        private int consumed;
        private long sent;
        private long received;
        private boolean cancelled;

        GrpcRound(ManagedChannel channel, Workload w) {
            this.workload = w;
            this.item = GrpcEcho.item(w.itemSize());
            this.half = (w.window() + 1) / 2;
            MethodDescriptor<byte[], byte[]> method = switch (w.direction()) {
                case TO_CALLER -> GrpcEcho.ITEMS;
                case TO_CALLEE -> GrpcEcho.SINK;
                case BOTH -> GrpcEcho.ECHO_STREAM;
            };
            call = channel.newCall(method, io.grpc.CallOptions.DEFAULT);
            // ClientCall is not thread-safe, except request(): sending (on gRPC's callback thread)
            // and the round's cancel (on the bench's) take this lock.
            synchronized (this) {
                call.start(this, new Metadata());
                call.request(w.direction() == Direction.TO_CALLEE ? 1 : w.window());
                if (w.direction() == Direction.TO_CALLER) {
                    call.sendMessage(ByteBuffer.allocate(4).putInt(w.itemSize()).array());
                    call.halfClose();
                }
            }
        }

        @Override
        public void onMessage(byte[] message) {
            if (workload.direction() == Direction.TO_CALLEE) {
                return;
            }
            received++;
            counted.incrementAndGet();
            if (++consumed >= half) {
                call.request(consumed);
                consumed = 0;
            }
            if (workload.direction() == Direction.BOTH) {
                pump();
            }
        }

        @Override
        public void onReady() {
            if (workload.direction() != Direction.TO_CALLER) {
                pump();
            }
        }

        /**
         * Sends while the call is ready; an echo caller also keeps at most two windows of items
         * unanswered (its own window for the echoes and the callee's for its items), as the Aldis
         * and RSocket callers are held by their credit.
         */
        private synchronized void pump() {
            while (!cancelled && call.isReady()
                    && (workload.direction() != Direction.BOTH || sent - received < 2L * workload.window())) {
                call.sendMessage(item);
                sent++;
                if (workload.direction() == Direction.TO_CALLEE) {
                    counted.incrementAndGet();
                }
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                java.lang.System.out.println("gRPC stream failed: " + status);
            }
        }

        synchronized void cancel() {
            cancelled = true;
            call.cancel("round over", null);
        }
    }
}
