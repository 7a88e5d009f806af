package io.aldis.feature.rpc.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.RecordingStreams;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.ListPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shell commands against a real engine with one exported service. */
class RpcCommandsTest {
    public record Point(int x, int y) {
    }

    public interface Geometry {
        double distance(Point from, Point to);

        CompletionStage<List<Point>> corners(@Min(1) int size);
    }

    public static final class GeometryImpl implements Geometry {
        @Override
        public double distance(Point from, Point to) {
            return Math.hypot(to.x() - from.x(), to.y() - from.y());
        }

        @Override
        public CompletionStage<List<Point>> corners(int size) {
            return CompletableFuture.completedFuture(List.of(new Point(0, 0), new Point(size, size)));
        }
    }

    public interface Feed {
        Flow.Publisher<String> words(int n);

        CompletionStage<Long> sum(Flow.Publisher<Long> values);

        Flow.Publisher<String> silent();

        Flow.Publisher<String> broken();
    }

    public static final class FeedImpl implements Feed {
        @Override
        public Flow.Publisher<String> words(int n) {
            return new ListPublisher<>(IntStream.range(0, n).mapToObj(i -> "w" + i).toList());
        }

        @Override
        public CompletionStage<Long> sum(Flow.Publisher<Long> values) {
            CompletableFuture<Long> total = new CompletableFuture<>();
            values.subscribe(new Flow.Subscriber<Long>() {
                private long sum;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Long value) {
                    sum += value;
                }

                @Override
                public void onError(Throwable failure) {
                    total.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    total.complete(sum);
                }
            });
            return total;
        }

        @Override
        public Flow.Publisher<String> silent() {
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
        }

        @Override
        public Flow.Publisher<String> broken() {
            return subscriber -> {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("out of words"));
            };
        }
    }

    private RpcEngine engine;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void setUp() {
        engine = new RpcEngine(RpcSettings.defaults(), () -> null, () -> null);
        engine.addService(new GeometryImpl(), Map.of(RpcConstants.SERVICE, "geo", "objectClass",
                new String[] {Geometry.class.getName()}, "service.id", 1L), "test.bundle");
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        engine.close();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String call(String method, String params) throws Exception {
        RpcCallCommand command = new RpcCallCommand();
        command.registry = engine.registry();
        command.method = method;
        command.params = params;
        command.execute();
        return out() + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rpcCallPrintsTheResult() throws Exception {
        assertThat(call("geo.distance", "[{\"x\":0,\"y\":0},{\"x\":3,\"y\":4}]").trim()).isEqualTo("5.0");
    }

    @Test
    void rpcCallFailsWithTheErrorCodeAndDetails() {
        // Thrown, so the console shows the error and a script over ssh gets a non-zero exit status.
        assertThatThrownBy(() -> call("geo.corners", "[0]"))
                .hasMessageContaining("error -401 INVALID_PARAMS")
                .hasMessageContaining("{\"path\":\"size\",\"reason\":\"must be at least 1\"}");
        assertThatThrownBy(() -> call("geo.nothing", "[]")).hasMessageContaining("error -400 METHOD_NOT_FOUND");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void rpcListShowsMethodsWithParameterAndResultTypes() {
        RpcListCommand command = new RpcListCommand();
        command.registry = engine.registry();
        command.execute();
        assertThat(out()).contains("geo.distance").contains("from: Point, to: Point").contains("double")
                .contains("geo.corners").contains("size: int").contains("List<Point>").contains("osgi:test.bundle");
    }

    @Test
    void rpcStatsShowsTheStreamsOfEachMethodThatOpenedOne() throws Exception {
        RecordingStreams streams = new RecordingStreams();
        streams.loopback = true;
        RpcEngine streaming = new RpcEngine(RpcSettings.defaults(), () -> null, () -> streams);
        try {
            streaming.addService(new FeedImpl(), Map.of(RpcConstants.SERVICE, "feed", "objectClass",
                    new String[] {Feed.class.getName()}, "service.id", 2L), "test.bundle");
            RecordingSession alice = new RecordingSession("alice");
            streams.callerItems.add("40".getBytes(StandardCharsets.UTF_8));
            streams.callerItems.add("2".getBytes(StandardCharsets.UTF_8));

            streaming.call(alice, new RpcRequest(true, 1, 0, "feed.words", "[3]".getBytes(StandardCharsets.UTF_8)));
            assertThat(alice.next(RpcResponse.class).callId()).isEqualTo(1);
            streaming.call(alice, new RpcRequest(true, 2, 0, "feed.sum", "[null]".getBytes(StandardCharsets.UTF_8)));
            assertThat(new String(alice.next(RpcResponse.class).result(), StandardCharsets.UTF_8)).isEqualTo("42");
            streaming.call(alice, new RpcRequest(true, 3, 0, "feed.broken", "[]".getBytes(StandardCharsets.UTF_8)));
            assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
            streaming.call(alice, new RpcRequest(true, 4, 0, "feed.silent", "[]".getBytes(StandardCharsets.UTF_8)));
            streaming.call(alice, new RpcRequest(true, 5, 0, "feed.silent", "[]".getBytes(StandardCharsets.UTF_8)));
            List<Long> opened = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                opened.add(streams.opened.poll(10, TimeUnit.SECONDS).callId);
            }
            assertThat(opened).as("every stream opened").contains(4L, 5L);
            streaming.cancel(alice, new RpcCancel(4));
            assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.CANCELLED.code());
            // Without STREAMS the call is answered as a batch and opens no stream.
            streaming.call(alice, new RpcRequest(false, 6, 0, "feed.words", "[2]".getBytes(StandardCharsets.UTF_8)));
            assertThat(alice.next(RpcResponse.class).callId()).isEqualTo(6);

            RpcStatsCommand command = new RpcStatsCommand();
            command.registry = streaming.registry();
            command.noFormat = true;
            // The CANCELLED answer can reach the caller before the stream's counters note the cancel:
            // the table is read again until they do (the assertion below says what is expected).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                out.reset();
                command.execute();
            } while (out().lines().map(l -> l.trim().replaceAll("\\s+", " "))
                    .noneMatch(l -> l.startsWith("feed.silent 2 1 ")) && System.nanoTime() < deadline);
            // Method, opened, open, items and bytes sent, items and bytes received, cancelled, failed.
            assertThat(out().lines().map(line -> line.trim().replaceAll("\\s+", " "))).contains(
                    "feed.broken 1 0 0 0 0 0 0 1",
                    "feed.silent 2 1 0 0 0 0 1 0",
                    "feed.sum 1 0 0 0 2 3 0 0",
                    "feed.words 1 0 3 12 0 0 0 0");
        } finally {
            streaming.close();
        }
    }

    @Test
    void rpcStatsShowsNoStreamTableWithoutStreams() throws Exception {
        engine.registry().call("geo.distance", "[{\"x\":0,\"y\":0},{\"x\":1,\"y\":1}]", null).get();
        RpcStatsCommand command = new RpcStatsCommand();
        command.registry = engine.registry();
        command.execute();
        assertThat(out()).contains("geo.distance").doesNotContain("Streamed method");
    }

    @Test
    void rpcStatsShowsCountsAndErrorsPerMethod() throws Exception {
        engine.registry().call("geo.distance", "[{\"x\":0,\"y\":0},{\"x\":1,\"y\":1}]", null).get();
        engine.registry().call("geo.corners", "[2]", null).get();
        engine.registry().call("geo.corners", "[-1]", null).handle((v, t) -> null).get();
        RpcStatsCommand command = new RpcStatsCommand();
        command.registry = engine.registry();
        command.execute();
        String table = out();
        assertThat(table).containsPattern("geo\\.corners\\s*\\|\\s*2\\s*\\|\\s*1\\s*\\|\\s*0");
        assertThat(table).containsPattern("geo\\.distance\\s*\\|\\s*1\\s*\\|\\s*0\\s*\\|\\s*0");
    }
}
