package io.aldis.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC peer. A unary method, {@code bench.Echo/Echo}, answers with its request bytes; for the
 * stream benchmarks, {@code bench.Stream/Items} (server streaming) sends items of the size its
 * request gives (a 4-byte big-endian int) for as long as the transport is ready for them,
 * {@code bench.Stream/Sink} (client streaming) consumes items and answers their count, and
 * {@code bench.Stream/Echo} (bidirectional) sends every item back. Sink and Echo take the caller's
 * items with flow control done by hand, the window the first argument gives: that many requested
 * first, and half of it again each time half of it was consumed (and, for Echo, only while its own
 * answers can go out), as the Aldis node returns credit.
 * No generated code: the methods are described by hand with a byte-array marshaller. Run as a JVM
 * of its own ({@code main}), like the node; prints {@code GRPC <port>} and stops on {@code quit}.
 */
final class GrpcEcho {
    private GrpcEcho() {
    }

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    static final MethodDescriptor<byte[], byte[]> ITEMS = stream(MethodDescriptor.MethodType.SERVER_STREAMING, "Items");
    static final MethodDescriptor<byte[], byte[]> SINK = stream(MethodDescriptor.MethodType.CLIENT_STREAMING, "Sink");
    static final MethodDescriptor<byte[], byte[]> ECHO_STREAM = stream(MethodDescriptor.MethodType.BIDI_STREAMING, "Echo");

    /** The HTTP/2 flow-control window of both ends, which is grpc-java's default, written down. */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;

    private static MethodDescriptor<byte[], byte[]> stream(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName("bench.Stream/" + name)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    /**
     * The server handler's logger, held so its level stays set: it warns of every stream a round's
     * cancel closes while an item is being written, which is how every stream round ends here.
     */
    private static final java.util.logging.Logger STREAM_ERRORS =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

    public static void main(String[] args) throws Exception {
        STREAM_ERRORS.setLevel(java.util.logging.Level.SEVERE);
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                })).build();
        ServerServiceDefinition streams = ServerServiceDefinition.builder("bench.Stream")
                .addMethod(ITEMS, ServerCalls.asyncServerStreamingCall(GrpcEcho::items))
                .addMethod(SINK, ServerCalls.asyncClientStreamingCall(response -> sink(response, window)))
                .addMethod(ECHO_STREAM, ServerCalls.asyncBidiStreamingCall(response -> echo(response, window)))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                .addService(streams).flowControlWindow(FLOW_CONTROL_WINDOW).build().start();
        System.out.println("GRPC " + server.getPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
            // nothing else to answer
        }
        server.shutdownNow();
        System.exit(0);
    }

    static byte[] item(int size) {
        return PubSubSystems.payload(size);
    }

    private static void items(byte[] request, StreamObserver<byte[]> response) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
        byte[] item = item(ByteBuffer.wrap(request).getInt());
        // With a cancel handler set, onNext after the caller's cancel is ignored instead of thrown.
        out.setOnCancelHandler(() -> { });
        out.setOnReadyHandler(() -> {
            while (out.isReady() && !out.isCancelled()) {
                out.onNext(item);
            }
        });
    }

    private static StreamObserver<byte[]> sink(StreamObserver<byte[]> response, int window) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
        out.disableAutoRequest();
        out.setOnCancelHandler(() -> { });
        out.request(window);
        return new StreamObserver<>() {
            private long count;
            private int consumed;

            @Override
            public void onNext(byte[] value) {
                count++;
                if (++consumed >= (window + 1) / 2) {
                    out.request(consumed);
                    consumed = 0;
                }
            }

            @Override
            public void onError(Throwable t) {
                // the caller cancelled at the end of its round
            }

            @Override
            public void onCompleted() {
                out.onNext(ByteBuffer.allocate(8).putLong(count).array());
                out.onCompleted();
            }
        };
    }

    private static StreamObserver<byte[]> echo(StreamObserver<byte[]> response, int window) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
        out.disableAutoRequest();
        out.setOnCancelHandler(() -> { });
        int[] consumed = new int[1];
        // Credit goes back only while the echoes can leave: a caller that stops reading them stops
        // its own items too, instead of growing this side's outbound buffer.
        Runnable replenish = () -> {
            if (consumed[0] >= (window + 1) / 2 && out.isReady()) {
                out.request(consumed[0]);
                consumed[0] = 0;
            }
        };
        out.setOnReadyHandler(replenish);
        out.request(window);
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                out.onNext(value);
                consumed[0]++;
                replenish.run();
            }

            @Override
            public void onError(Throwable t) {
                // the caller cancelled at the end of its round
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }
}
