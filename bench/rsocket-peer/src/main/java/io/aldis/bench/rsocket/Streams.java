package io.aldis.bench.rsocket;

import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.util.DefaultPayload;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The client's side of the stream benchmarks: each round opens one stream, lets it run for a
 * short ramp, counts the items that pass in the measured window, and cancels the stream. The
 * rate is in items per second; the caller turns it into bytes when it wants to.
 */
final class Streams {
    private static final long RAMP_NANOS = 200_000_000L;

    private Streams() {
    }

    static byte[] item(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return data;
    }

    /** request-stream with {@code limitRate(window)}: items the caller received per second. */
    static double fromServer(RSocket socket, int size, int window, double seconds) throws InterruptedException {
        AtomicLong received = new AtomicLong();
        Disposable stream = socket.requestStream(DefaultPayload.create(Integer.toString(size)))
                .limitRate(window)
                .subscribe(p -> {
                    p.release();
                    received.incrementAndGet();
                }, error -> System.out.println("stream failed: " + error));
        try {
            return measure(received, seconds);
        } finally {
            stream.dispose();
        }
    }

    /**
     * request-channel whose responder only consumes ({@code sink}): items the caller handed to
     * RSocket per second. RSocket asks the caller's publisher for items only as the responder
     * requests them, so within a window of the responder's they are items the responder took.
     */
    static double toServer(RSocket socket, int size, double seconds) throws InterruptedException {
        AtomicLong sent = new AtomicLong();
        Disposable channel = socket.requestChannel(items(size, "sink", sent))
                .subscribe(Payload::release, error -> System.out.println("channel failed: " + error));
        try {
            return measure(sent, seconds);
        } finally {
            channel.dispose();
        }
    }

    /** request-channel whose responder echoes ({@code echo}): echoes the caller received per second. */
    static double bothWays(RSocket socket, int size, int window, double seconds) throws InterruptedException {
        AtomicLong received = new AtomicLong();
        Disposable channel = socket.requestChannel(items(size, "echo", new AtomicLong()))
                .limitRate(window)
                .subscribe(p -> {
                    p.release();
                    received.incrementAndGet();
                }, error -> System.out.println("channel failed: " + error));
        try {
            return measure(received, seconds);
        } finally {
            channel.dispose();
        }
    }

    /** Items produced as they are requested; the first carries the responder's mode as metadata. */
    private static Flux<Payload> items(int size, String mode, AtomicLong produced) {
        byte[] item = item(size);
        return Flux.generate(() -> 0L, (n, sink) -> {
            sink.next(n == 0 ? DefaultPayload.create(item, mode.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : DefaultPayload.create(item));
            produced.incrementAndGet();
            return n + 1;
        });
    }

    private static double measure(AtomicLong counter, double seconds) throws InterruptedException {
        Thread.sleep(RAMP_NANOS / 1_000_000);
        long c0 = counter.get();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = counter.get();
        long t1 = System.nanoTime();
        return (c1 - c0) / ((t1 - t0) / 1e9);
    }
}
