package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.NodeFixture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with {@code kill -9} and started again under many connected Java clients, each
 * with the client's default reconnect policy (1 s doubling to 30 s, ±20 % jitter). Every client
 * comes back, on the first attempt it makes once the node listens again (its backoff is the only
 * wait; one attempt more is allowed for how the start of an attempt is measured), and their
 * attempts are spread by the jitter rather than arriving as one herd. The spread
 * is printed as a line starting {@code faults figures:}.
 *
 * <p>100 clients run in the default build; 1 000 run with {@code -Pfaults} (tag {@code faults}).
 */
class ReconnectStormTest {
    /** The width of the window in which the most attempts are counted. */
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    Path dir;

    private Process node;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<AldisClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (AldisClient c : clients) {
            closing.add(c.close());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        if (node != null) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void a100ClientsComeBackAfterANodeRestartSpreadByTheirJitter() throws Exception {
        storm(100, ReconnectPolicy.defaultPolicy());
    }

    @Test
    @Tag("faults")
    void a1000ClientsComeBackAfterANodeRestartSpreadByTheirJitter() throws Exception {
        storm(1_000, ReconnectPolicy.defaultPolicy());
    }

    private void storm(int count, ReconnectPolicy policy) throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        ChildNode.Started first = ChildNode.start(storage, 0, Duration.ZERO);
        node = first.process();
        List<Attempts> attempts = new ArrayList<>();
        CountDownLatch allBack = new CountDownLatch(count);
        AtomicInteger gaveUp = new AtomicInteger();
        List<CompletableFuture<AldisClient>> connecting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Attempts a = new Attempts(allBack, gaveUp);
            attempts.add(a);
            AldisClient client = AldisClient.builder()
                    .address("127.0.0.1", first.port())
                    .credentials(ChildNode.USER, NodeFixture.PASSWORD.toCharArray())
                    .clientName("storm-" + i)
                    .eventLoopGroup(group)
                    .reconnect(policy)
                    .listener(a)
                    .build();
            clients.add(client);
            connecting.add(client.connect());
            if (connecting.size() == 50) { // in groups, as the node throttles nothing but failures
                CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                connecting.clear();
            }
        }
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        long killed = System.nanoTime();
        first.kill();
        // The node comes back no sooner than 1.5 s after it died, past every client's first attempt
        // (1 s, jittered by a fifth): the clients then come back on attempts the policy spreads
        // wider, which the herd check below is sized for, however fast this machine restarts a JVM.
        long earliest = killed + TimeUnit.MILLISECONDS.toNanos(1_500);
        while (System.nanoTime() < earliest) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(earliest - System.nanoTime())));
        }
        node = ChildNode.start(storage, first.port(), Duration.ZERO).process();
        long listening = System.nanoTime();

        assertThat(allBack.await(5, TimeUnit.MINUTES)).as("every client came back").isTrue();
        assertThat(gaveUp.get()).as("clients that gave up").isZero();

        long[] back = new long[count];
        long[] started = new long[count];
        long[] login = new long[count];
        int[] attemptsUsed = new int[count];
        int[] beyondFirst = new int[count];
        for (int i = 0; i < count; i++) {
            Attempts a = attempts.get(i);
            Attempt last = a.last();
            back[i] = a.reconnected - listening;
            started[i] = last.start;
            login[i] = a.reconnected - last.start;
            attemptsUsed[i] = last.number;
            beyondFirst[i] = Math.max(0, last.number - a.firstAttemptFrom(listening));
        }
        Arrays.sort(back);
        Arrays.sort(login);
        int peak = peakInWindow(started);
        long[] startedAfter = Arrays.stream(started).map(t -> t - listening).sorted().toArray();
        System.out.printf(Locale.ROOT, "faults figures: %d clients, node down %d ms (kill to listening); the attempts "
                        + "that came back started %d to %d ms after it listened (median %d ms), most within %d ms: %d; "
                        + "attempts used: %s; attempts after the first once it listened: %s; login from the attempt's "
                        + "start: median %d ms, 90%% %d ms, max %d ms; back after the node listened: first %d ms, median "
                        + "%d ms, 90%% %d ms, last %d ms%n",
                count, millis(listening - killed), millis(startedAfter[0]), millis(startedAfter[count - 1]),
                millis(startedAfter[count / 2]), millis(WINDOW_NANOS), peak, histogram(attemptsUsed),
                histogram(beyondFirst),
                millis(login[count / 2]), millis(login[count * 9 / 10]), millis(login[count - 1]),
                millis(back[0]), millis(back[count / 2]), millis(back[count * 9 / 10]), millis(back[count - 1]));
        // An attempt's start is taken from the listener's event plus its delay, and the event may reach the
        // listener late on a busy machine: an attempt counted as the first after the node listened may
        // really have started before, and been refused. So one attempt more is allowed, and no more.
        for (int i = 0; i < count; i++) {
            assertThat(beyondFirst[i]).as("attempts client %d made once the node listened, beyond the first", i)
                    .isLessThanOrEqualTo(1);
        }
        assertThat(peak).as("attempts that came back starting within one %d ms window (a herd would be all of them)",
                millis(WINDOW_NANOS)).isLessThan(count / 3);
    }

    /** The most values within any window of {@link #WINDOW_NANOS}. */
    private static int peakInWindow(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int peak = 0;
        int from = 0;
        for (int to = 0; to < sorted.length; to++) {
            while (sorted[to] - sorted[from] >= WINDOW_NANOS) {
                from++;
            }
            peak = Math.max(peak, to - from + 1);
        }
        return peak;
    }

    /** How many clients used 1, 2, 3 … attempts, as {@code 2:40 3:60}. */
    private static String histogram(int[] attemptsUsed) {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        for (int n : attemptsUsed) {
            counts.merge(n, 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((n, c) -> out.append(out.length() == 0 ? "" : " ").append(n).append(':').append(c));
        return out.toString();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** One reconnect attempt: its number and when it was to start. */
    private record Attempt(int number, long start) {
    }

    /** What one client's listener heard: the attempts it scheduled and when it was back. */
    private static final class Attempts implements ConnectionListener {
        private final CountDownLatch allBack;
        private final AtomicInteger gaveUp;
        private final List<Attempt> scheduled = new ArrayList<>();
        private volatile long reconnected;

        Attempts(CountDownLatch allBack, AtomicInteger gaveUp) {
            this.allBack = allBack;
            this.gaveUp = gaveUp;
        }

        @Override
        public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
            synchronized (scheduled) {
                scheduled.add(new Attempt(attempt, System.nanoTime() + delay.toNanos()));
            }
        }

        @Override
        public void reconnected(SessionInfo session) {
            if (reconnected == 0) {
                reconnected = System.nanoTime();
                allBack.countDown();
            }
        }

        @Override
        public void reconnectFailed(AldisException cause) {
            gaveUp.incrementAndGet();
        }

        /** The attempt that brought the client back: the last it scheduled. */
        Attempt last() {
            synchronized (scheduled) {
                return scheduled.get(scheduled.size() - 1);
            }
        }

        /** The number of the first attempt that was to start at or after {@code time}. */
        int firstAttemptFrom(long time) {
            synchronized (scheduled) {
                return scheduled.stream().filter(a -> a.start >= time).mapToInt(Attempt::number).findFirst()
                        .orElse(Integer.MAX_VALUE);
            }
        }
    }
}
