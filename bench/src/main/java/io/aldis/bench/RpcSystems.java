package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.spin.NettyIo;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The request/response systems under comparison, each called through its own Java client. */
final class RpcSystems {
    private RpcSystems() {
    }

    /**
     * One round: completed calls per second and latency percentiles in microseconds; p90 and
     * p99.9 are NaN where a system does not report them.
     */
    record Result(double rate, double p50, double p99, double p90, double p999) {
        Result(double rate, double p50, double p99) {
            this(rate, p50, p99, Double.NaN, Double.NaN);
        }

        /** The figures of this round as the results files hold them. */
        RunResults.Figure[] figures() {
            return new RunResults.Figure[] {new RunResults.Figure("throughput", "calls/s", rate),
                new RunResults.Figure("p50", "µs", p50), new RunResults.Figure("p90", "µs", p90),
                new RunResults.Figure("p99", "µs", p99), new RunResults.Figure("p99.9", "µs", p999)};
        }
    }

    /** The default calls with node and client on Java's NIO, beside the default transport (epoll on Linux). */
    static final String ALDIS_NIO = "Aldis RPC, NIO node and client (aldis.io=nio)";

    interface System extends AutoCloseable {
        String name();

        /** One call with a 128-byte argument; completes when the answer arrived. */
        CompletableFuture<?> call();

        /** Keeps {@code inflight} calls outstanding for {@code seconds} and measures. */
        default Result round(int inflight, double seconds) throws Exception {
            return Lanes.run(this::call, inflight, seconds);
        }

        /**
         * Makes calls one after the other for {@code seconds} from one thread that waits for each
         * answer (as a synchronous caller does: {@code join()}, a blocking stub) and measures.
         */
        default Result blockingRound(double seconds) throws Exception {
            return Lanes.blocking(this::call, seconds);
        }

        @Override
        default void close() throws Exception {
        }
    }

    /** Runs calls back to back in a number of lanes and records each call's latency. */
    static final class Lanes {
        private Lanes() {
        }

        static Result run(java.util.function.Supplier<CompletableFuture<?>> call, int inflight, double seconds)
                throws InterruptedException {
            long[] latencies = new long[4_000_000];
            AtomicInteger recorded = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(inflight);
            long[] window = new long[2];
            // Calls that complete between the two marks are counted; a short ramp comes first.
            long start = java.lang.System.nanoTime();
            long from = start + 200_000_000L;
            long to = from + (long) (seconds * 1e9);
            window[0] = from;
            window[1] = to;
            for (int l = 0; l < inflight; l++) {
                new Lane(call, latencies, recorded, window, done).next();
            }
            if (!done.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("calls still outstanding 30 s after the round ended");
            }
            return result(latencies, Math.min(recorded.get(), latencies.length), recorded.get(), to - from);
        }

        /** The figures of {@code calls} answered in {@code nanos}, the first {@code n} of whose latencies were kept. */
        private static Result result(long[] latencies, int n, int calls, long nanos) {
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            double rate = calls / (nanos / 1e9);
            return new Result(rate, percentile(sorted, n, 0.50), percentile(sorted, n, 0.99),
                    percentile(sorted, n, 0.90), percentile(sorted, n, 0.999));
        }

        static Result blocking(java.util.function.Supplier<CompletableFuture<?>> call, double seconds) {
            long[] latencies = new long[4_000_000];
            int recorded = 0;
            long start = java.lang.System.nanoTime();
            long from = start + 200_000_000L;
            long to = from + (long) (seconds * 1e9);
            for (long sent = start; sent < to; sent = java.lang.System.nanoTime()) {
                call.get().join();
                long now = java.lang.System.nanoTime();
                if (now >= from && now < to && recorded < latencies.length) {
                    latencies[recorded++] = now - sent;
                }
            }
            return result(latencies, recorded, recorded, to - from);
        }

        /** The {@code p} quantile of the first {@code n} sorted latencies, in microseconds. */
        private static double percentile(long[] sorted, int n, double p) {
            return n == 0 ? 0 : sorted[(int) (n * p)] / 1e3;
        }

        private static final class Lane {
            private final java.util.function.Supplier<CompletableFuture<?>> call;
            private final long[] latencies;
            private final AtomicInteger recorded;
            private final long[] window;
            private final CountDownLatch done;

            Lane(java.util.function.Supplier<CompletableFuture<?>> call, long[] latencies, AtomicInteger recorded,
                    long[] window, CountDownLatch done) {
                this.call = call;
                this.latencies = latencies;
                this.recorded = recorded;
                this.window = window;
                this.done = done;
            }

            void next() {
                long sent = java.lang.System.nanoTime();
                if (sent >= window[1]) {
                    done.countDown();
                    return;
                }
                call.get().whenComplete((answer, error) -> {
                    long now = java.lang.System.nanoTime();
                    if (error != null) {
                        java.lang.System.out.println("call failed: " + error);
                        done.countDown();
                        return;
                    }
                    if (now >= window[0] && now < window[1]) {
                        int i = recorded.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = now - sent;
                        }
                    }
                    next();
                });
            }
        }
    }

    static String text(int size) {
        return new String(PubSubSystems.payload(size), StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- Aldis

    /**
     * {@code echo(String)} on the node's exported {@link EchoService}, through {@code AldisClient.call}.
     * Each client runs on an event loop of its own, as an {@code AldisClient} does by default (and
     * as RSocket's client does), with {@code idleSpin} as given.
     * With {@code direct}, the service is the copy exported with {@code aldis.rpc.direct} (run on the
     * node's I/O thread) and the client runs every callback on its I/O thread
     * ({@code callbackExecutor(Runnable::run)}): the threading RSocket uses by default. Without it,
     * both sides judge, as they do by default: a method and the client's callbacks run on the I/O
     * threads while they are prompt, and move to other threads when they are not.
     */
    static System aldis(int port, String user, char[] password, Duration idleSpin, int size, boolean direct) {
        return aldis(client(port, user, password, idleSpin, direct), size, direct);
    }

    /**
     * A connected client as {@link #aldis(int, String, char[], Duration, int, boolean)} uses it:
     * with {@code direct}, its callbacks run on its I/O thread.
     */
    static AldisClient client(int port, String user, char[] password, Duration idleSpin, boolean direct) {
        AldisClient.Builder builder = BenchClients.builder().address("127.0.0.1", port).credentials(user, password)
                .reconnect(ReconnectPolicy.none()).clientName("aldis-bench").idleSpin(idleSpin);
        if (direct) {
            builder.callbackExecutor(Runnable::run);
        }
        AldisClient c = builder.build();
        c.connect().join();
        return c;
    }

    /**
     * A client as {@link #client(int, String, char[], Duration, boolean)} makes it, on Java's NIO
     * rather than the default transport: built while {@link NettyIo#PROPERTY} says {@code nio}, as
     * a user who sets that property gets it.
     */
    static AldisClient nioClient(int port, String user, char[] password, Duration idleSpin) {
        String before = java.lang.System.getProperty(NettyIo.PROPERTY);
        java.lang.System.setProperty(NettyIo.PROPERTY, "nio");
        try {
            return client(port, user, password, idleSpin, false);
        } finally {
            if (before == null) {
                java.lang.System.clearProperty(NettyIo.PROPERTY);
            } else {
                java.lang.System.setProperty(NettyIo.PROPERTY, before);
            }
        }
    }

    /** The default calls between a node and a client that both use Java's NIO (as before epoll). */
    static System aldisOnNio(int nioNodePort, String user, char[] password, Duration idleSpin, int size) {
        return aldis(nioClient(nioNodePort, user, password, idleSpin), size, "echo.echo", ALDIS_NIO);
    }

    /** The same calls through a client of the caller's; closing the system closes the client. */
    static System aldis(AldisClient c, int size, boolean direct) {
        return direct ? aldis(c, size, "echo-direct.echo", "Aldis RPC, I/O-thread (direct service + callbacks)")
                : aldis(c, size, "echo.echo", "Aldis RPC (AldisClient.call)");
    }

    /**
     * The calls with the client's defaults to the copy of the service exported with
     * {@code aldis.rpc.direct=false}: every call on the node's workers, as every call of a service
     * ran by default before the node judged where a method runs.
     */
    static System aldisOnWorkers(int port, String user, char[] password, Duration idleSpin, int size) {
        return aldis(client(port, user, password, idleSpin, false), size, "echo-workers.echo",
                "Aldis RPC, service on the workers (aldis.rpc.direct=false)");
    }

    private static System aldis(AldisClient c, int size, String method, String name) {
        Object[] params = {text(size)};
        CallOptions options = CallOptions.timeout(Duration.ofSeconds(30));
        return new System() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletableFuture<?> call() {
                return c.call(method, params, String.class, options);
            }

            @Override
            public void close() {
                c.close().join();
            }
        };
    }

    // ---------------------------------------------------------------- gRPC

    static System grpc(int port, int size) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        byte[] payload = PubSubSystems.payload(size);
        return new System() {
            @Override
            public String name() {
                return "gRPC unary (grpc-java)";
            }

            @Override
            public CompletableFuture<?> call() {
                CompletableFuture<byte[]> f = new CompletableFuture<>();
                var answer = ClientCalls.futureUnaryCall(channel.newCall(GrpcEcho.ECHO, io.grpc.CallOptions.DEFAULT), payload);
                answer.addListener(() -> {
                    try {
                        f.complete(answer.get());
                    } catch (Exception e) {
                        f.completeExceptionally(e);
                    }
                }, Runnable::run);
                return f;
            }

            @Override
            public void close() throws InterruptedException {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        };
    }

    // ---------------------------------------------------------------- NATS

    /** NATS request/reply: the requester and an echoing responder are both clients of nats-server. */
    static System nats(int port, int size) throws Exception {
        Options o = new Options.Builder().server("nats://127.0.0.1:" + port).maxReconnects(0).build();
        Connection responder = Nats.connect(o);
        Dispatcher d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData()));
        d.subscribe("bench.echo");
        responder.flush(Duration.ofSeconds(10));
        Connection requester = Nats.connect(o);
        byte[] payload = PubSubSystems.payload(size);
        return new System() {
            @Override
            public String name() {
                return "NATS request/reply (jnats)";
            }

            @Override
            public CompletableFuture<?> call() {
                return requester.request("bench.echo", payload);
            }

            @Override
            public void close() throws InterruptedException {
                requester.close();
                responder.close();
            }
        };
    }

    // ---------------------------------------------------------------- RSocket (own JVMs)

    /**
     * RSocket request-response. RSocket 1.1.4 needs Netty 4.1 while Aldis uses Netty 4.2, so its
     * server and its client each run in a JVM of their own, from a class path built separately
     * ({@code bench/rsocket-peer}); the client runs the same lanes and reports the same figures.
     */
    static System rsocket(String classPath, int size) throws Exception {
        ChildJvm server = new ChildJvm(classPath, "io.aldis.bench.rsocket.RsocketPeer", "server");
        int port = Integer.parseInt(server.expect("RSOCKET")[1]);
        ChildJvm client = new ChildJvm(classPath, "io.aldis.bench.rsocket.RsocketPeer", "client",
                Integer.toString(port), Integer.toString(size));
        client.expect("READY");
        return new System() {
            @Override
            public String name() {
                return "RSocket request-response (rsocket-java, own JVMs)";
            }

            @Override
            public CompletableFuture<?> call() {
                throw new UnsupportedOperationException("the RSocket client runs in its own JVM");
            }

            @Override
            public Result blockingRound(double seconds) throws Exception {
                client.send("blocking " + seconds);
                String[] f = client.expect("RESULT");
                return new Result(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]));
            }

            @Override
            public Result round(int inflight, double seconds) throws Exception {
                client.send("round " + inflight + " " + seconds);
                String[] f = client.expect("RESULT");
                // A peer built before p90 and p99.9 were added answers with three figures.
                return f.length >= 6
                        ? new Result(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                                Double.parseDouble(f[4]), Double.parseDouble(f[5]))
                        : new Result(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
            }

            @Override
            public void close() {
                client.close();
                server.close();
            }
        };
    }

}
