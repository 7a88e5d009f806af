package io.aldis.bench.rsocket;

import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.DefaultPayload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The RSocket peer of the request/response and stream benchmarks, in a JVM of its own.
 *
 * <ul>
 *   <li>{@code server}: an RSocket TCP server on loopback, printing {@code RSOCKET <port>}. Its
 *       request-response answers with the request's data. Its request-stream takes an item size
 *       (the request's data, in decimal) and produces items of that size for as long as they are
 *       requested, only as they are requested. Its request-channel takes {@code sink} or
 *       {@code echo} as the first payload's metadata: {@code sink} consumes the caller's items
 *       with {@link #CHANNEL_WINDOW} of them requested at a time and answers their count at the
 *       end; {@code echo} sends every item back, asking the caller for items only as the echoes
 *       are requested.</li>
 *   <li>{@code client <port> <size>}: connects, prints {@code READY}, then answers
 *       {@code round <in flight> <seconds>} with {@code RESULT <calls/s> <p50 µs> <p99 µs> <p90 µs> <p99.9 µs>}, keeping
 *       that many calls outstanding for that long, as the Aldis side does; and
 *       {@code stream <item size> <window> <seconds>}, {@code sink <item size> <seconds>} and
 *       {@code echo <item size> <window> <seconds>} with {@code RESULT <items/s>} (see
 *       {@link Streams}).</li>
 * </ul>
 * Both stop on {@code quit}.
 */
public final class RsocketPeer {
    private RsocketPeer() {
    }

    /** Items the server's request-channel asks of its caller at a time ({@code limitRate}). */
    static final int CHANNEL_WINDOW = 64;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("server")) {
            CloseableChannel server = RSocketServer.create(SocketAcceptor.with(new Responder()))
                    .bind(TcpServerTransport.create("127.0.0.1", 0)).block();
            System.out.println("RSOCKET " + server.address().getPort());
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                // nothing else to answer
            }
            server.dispose();
        } else {
            int port = Integer.parseInt(args[1]);
            byte[] data = new byte[Integer.parseInt(args[2])];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + i % 26);
            }
            RSocket socket = RSocketConnector.create().connect(TcpClientTransport.create("127.0.0.1", port)).block();
            System.out.println("READY " + port);
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "round" -> System.out.println(
                            round(socket, data, Integer.parseInt(f[1]), Double.parseDouble(f[2])));
                    case "blocking" -> System.out.println(blocking(socket, data, Double.parseDouble(f[1])));
                    case "stream" -> System.out.println("RESULT " + Streams.fromServer(socket,
                            Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
                    case "sink" -> System.out.println("RESULT " + Streams.toServer(socket,
                            Integer.parseInt(f[1]), Double.parseDouble(f[2])));
                    case "echo" -> System.out.println("RESULT " + Streams.bothWays(socket,
                            Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
                    default -> System.out.println("ERR unknown command " + line);
                }
            }
            socket.dispose();
        }
        System.exit(0);
    }

    /** The server's side of every interaction the benchmarks use. */
    private static final class Responder implements RSocket {
        @Override
        public Mono<Payload> requestResponse(Payload p) {
            Payload answer = DefaultPayload.create(p);
            p.release();
            return Mono.just(answer);
        }

        @Override
        public Flux<Payload> requestStream(Payload p) {
            byte[] item = Streams.item(Integer.parseInt(p.getDataUtf8()));
            p.release();
            // generate emits once per item requested: nothing is produced ahead of the demand.
            return Flux.generate(sink -> sink.next(DefaultPayload.create(item)));
        }

        @Override
        public Flux<Payload> requestChannel(Publisher<Payload> payloads) {
            return Flux.from(payloads).switchOnFirst((first, all) -> {
                boolean sink = first.hasValue() && "sink".equals(first.get().getMetadataUtf8());
                if (sink) {
                    return all.limitRate(CHANNEL_WINDOW).doOnNext(Payload::release).count()
                            .map(n -> DefaultPayload.create(Long.toString(n))).flux();
                }
                return all.limitRate(CHANNEL_WINDOW).map(in -> {
                    Payload echo = DefaultPayload.create(in);
                    in.release();
                    return echo;
                });
            });
        }
    }

    private static String round(RSocket socket, byte[] data, int inflight, double seconds) throws InterruptedException {
        long[] latencies = new long[4_000_000];
        AtomicInteger recorded = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(inflight);
        long from = System.nanoTime() + 200_000_000L;
        long to = from + (long) (seconds * 1e9);
        for (int l = 0; l < inflight; l++) {
            next(socket, data, latencies, recorded, from, to, done);
        }
        done.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS);
        return result(latencies, Math.min(recorded.get(), latencies.length), recorded.get(), to - from);
    }

    /** The RESULT line of {@code calls} answered in {@code nanos}, the first {@code n} of whose latencies were kept. */
    private static String result(long[] latencies, int n, int calls, long nanos) {
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double rate = calls / (nanos / 1e9);
        double p50 = n == 0 ? 0 : sorted[(int) (n * 0.50)] / 1e3;
        double p99 = n == 0 ? 0 : sorted[(int) (n * 0.99)] / 1e3;
        double p90 = n == 0 ? 0 : sorted[(int) (n * 0.90)] / 1e3;
        double p999 = n == 0 ? 0 : sorted[(int) (n * 0.999)] / 1e3;
        return "RESULT " + rate + " " + p50 + " " + p99 + " " + p90 + " " + p999;
    }

    /** Calls one after the other from this thread, each waited for with {@code block()}, as a synchronous caller does. */
    private static String blocking(RSocket socket, byte[] data, double seconds) {
        long[] latencies = new long[4_000_000];
        int n = 0;
        long start = System.nanoTime();
        long from = start + 200_000_000L;
        long to = from + (long) (seconds * 1e9);
        for (long sent = start; sent < to; sent = System.nanoTime()) {
            Payload answer = socket.requestResponse(DefaultPayload.create(data)).block();
            long now = System.nanoTime();
            answer.release();
            if (now >= from && now < to && n < latencies.length) {
                latencies[n++] = now - sent;
            }
        }
        return result(latencies, n, n, to - from);
    }

    private static void next(RSocket socket, byte[] data, long[] latencies, AtomicInteger recorded, long from, long to,
            CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= to) {
            done.countDown();
            return;
        }
        socket.requestResponse(DefaultPayload.create(data)).subscribe(answer -> {
            long now = System.nanoTime();
            answer.release();
            if (now >= from && now < to) {
                int i = recorded.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = now - sent;
                }
            }
            next(socket, data, latencies, recorded, from, to, done);
        }, error -> {
            System.out.println("call failed: " + error);
            done.countDown();
        });
    }
}
