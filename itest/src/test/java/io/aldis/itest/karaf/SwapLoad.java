package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.aldis.client.AldisClient;
import io.aldis.client.ClientState;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bystander sessions that keep using one feature while a test swaps another, and what they saw.
 * Pub/sub bystanders all subscribe to {@value #TICKS}, on which one of them publishes a counter
 * 100 times a second; RPC bystanders each call {@code calc.add} ten times a second. At the end
 * every subscriber must have received every tick exactly once and in order, every call must have
 * succeeded, and no session may have dropped.
 */
final class SwapLoad implements AutoCloseable {
    static final String TICKS = "load.tick";
    private static final long TICK_MILLIS = 10;
    private static final long CALL_MILLIS = 100;
    private static final long HEARTBEAT_MILLIS = 2_000;

    private final List<AldisClient> clients = new ArrayList<>();
    private final List<RecordingListener> listeners = new ArrayList<>();
    private final List<FrameClient> links = new ArrayList<>();
    /** Ticks received, per TCP subscriber. */
    private final List<List<Long>> received = new ArrayList<>();
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swap-load");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong callsSucceeded = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final String description;

    private SwapLoad(String description) {
        this.description = description;
    }

    /** {@code sessions} Java clients over TCP subscribed to the ticks, the first also publishing them. */
    static SwapLoad pubSubOverTcp(int sessions, int port, String user, String password) throws Exception {
        SwapLoad load = new SwapLoad(sessions + " pub/sub sessions over TCP");
        for (int i = 0; i < sessions; i++) {
            AldisClient client = load.connect(port, user, password);
            List<Long> ticks = Collections.synchronizedList(new ArrayList<>());
            load.received.add(ticks);
            client.subscribe(TICKS, d -> ticks.add(Long.parseLong(d.text()))).ready().get(30, SECONDS);
        }
        AldisClient publisher = load.clients.get(0);
        load.every(TICK_MILLIS, () -> {
            long n = load.published.get();
            publisher.publish(TICKS, utf8(Long.toString(n))).whenComplete((ok, e) -> {
                if (e != null) {
                    load.failures.add("publish " + n + ": " + e);
                }
            });
            load.published.incrementAndGet();
        });
        return load;
    }

    /** {@code sessions} bare WebSocket sessions subscribed to the ticks, the first also publishing them. */
    static SwapLoad pubSubOverWebSocket(int sessions, int port, String user, String password) throws Exception {
        SwapLoad load = new SwapLoad(sessions + " pub/sub sessions over WebSocket");
        for (int i = 0; i < sessions; i++) {
            FrameClient link = AldisKarafTestSupport.openWebSocket(port, "/aldis");
            load.links.add(link);
            link.login(user, password, AldisKarafTestSupport.WEB_SOCKET_CAPABILITIES);
            link.send(new Subscribe(1, TICKS, "", ""));
            link.await(FrameType.ACK);
        }
        // Subscribers that only listen would look dead to the node's heartbeat: they say PING now and then.
        load.every(HEARTBEAT_MILLIS, () -> {
            for (FrameClient link : load.links) {
                AldisKarafTestSupport.webSocketOf(link).sendAsync(FrameClient.encode(new Ping(System.nanoTime())));
            }
        });
        FrameClient publisher = load.links.get(0);
        load.every(TICK_MILLIS, () -> {
            long n = load.published.get();
            AldisKarafTestSupport.webSocketOf(publisher)
                    .sendAsync(FrameClient.encode(new Publish(TICKS, "", Map.of(), utf8(Long.toString(n)))));
            load.published.incrementAndGet();
        });
        return load;
    }

    /** {@code sessions} Java clients over TCP, each calling {@code calc.add} with one call at a time. */
    static SwapLoad rpcOverTcp(int sessions, int port, String user, String password) throws Exception {
        SwapLoad load = new SwapLoad(sessions + " RPC sessions over TCP");
        List<AtomicBoolean> busy = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            load.connect(port, user, password);
            busy.add(new AtomicBoolean());
        }
        AtomicLong sequence = new AtomicLong();
        load.every(CALL_MILLIS, () -> {
            for (int i = 0; i < load.clients.size(); i++) {
                AtomicBoolean inFlight = busy.get(i);
                if (!inFlight.compareAndSet(false, true)) {
                    continue;
                }
                int a = (int) (sequence.incrementAndGet() % 100_000);
                CompletableFuture<Integer> call = load.clients.get(i).call("calc.add", new Object[] {a, 1}, Integer.class);
                call.whenComplete((sum, e) -> {
                    inFlight.set(false);
                    if (e != null) {
                        load.failures.add("calc.add(" + a + ", 1): " + e);
                    } else if (sum != a + 1) {
                        load.failures.add("calc.add(" + a + ", 1) = " + sum);
                    } else {
                        load.callsSucceeded.incrementAndGet();
                    }
                });
            }
        });
        return load;
    }

    private AldisClient connect(int port, String user, String password) throws Exception {
        RecordingListener listener = new RecordingListener();
        AldisClient client = RecordingListener.connect(port, user, password, listener);
        clients.add(client);
        listeners.add(listener);
        return client;
    }

    private void every(long millis, Runnable action) {
        driver.scheduleAtFixedRate(() -> {
            if (running.get()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    failures.add("load driver: " + e);
                }
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Messages published or calls answered so far: grows while the bystanders are served. */
    long progress() {
        return published.get() + callsSucceeded.get();
    }

    /** Waits until the bystanders made {@code more} further steps of progress. */
    void awaitProgress(long more) {
        long target = progress() + more;
        AldisKarafTestSupport.await(description + " making progress", AldisKarafTestSupport.WAIT,
                () -> progress() >= target);
    }

    /**
     * Stops the load, waits for what is in flight, and fails unless every session is still
     * connected, every call succeeded and every subscriber got every tick once, in order.
     */
    void stopAndAssertNothingLost() throws Exception {
        running.set(false);
        driver.shutdown();
        assertTrue("load driver stopped", driver.awaitTermination(30, SECONDS));
        long ticks = published.get();
        for (int i = 0; i < received.size(); i++) {
            List<Long> got = received.get(i);
            AldisKarafTestSupport.await("subscriber " + i + " got " + ticks + " ticks", AldisKarafTestSupport.WAIT,
                    () -> got.size() >= ticks || !failures.isEmpty());
        }
        for (int i = 0; i < links.size(); i++) {
            List<Long> got = drainTicks(links.get(i), ticks);
            assertSequence("WebSocket subscriber " + i, ticks, got);
        }
        assertEquals(description + ": failures", List.of(), copy(failures));
        for (int i = 0; i < received.size(); i++) {
            assertSequence("subscriber " + i, ticks, copy(received.get(i)));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEquals(description + ": session " + i + " disconnects", List.of(), listeners.get(i).disconnects);
            assertEquals(description + ": session " + i + " errors", List.of(), new ArrayList<>(listeners.get(i).errors));
            assertEquals(description + ": session " + i + " state", ClientState.CONNECTED, clients.get(i).state());
        }
        for (int i = 0; i < links.size(); i++) {
            assertTrue(description + ": WebSocket session " + i + " open",
                    !AldisKarafTestSupport.webSocketOf(links.get(i)).closed.isDone());
        }
    }

    private static List<Long> drainTicks(FrameClient link, long ticks) throws Exception {
        List<Long> got = new ArrayList<>();
        while (got.size() < ticks) {
            Frame frame = link.read();
            if (frame instanceof Deliver d) {
                got.add(Long.parseLong(new String(d.payload(), StandardCharsets.UTF_8)));
            } else if (frame.type() != FrameType.PONG && frame.type() != FrameType.CAPABILITY_CHANGE) {
                fail("unexpected " + frame + " on a WebSocket bystander");
            }
        }
        return got;
    }

    private static void assertSequence(String who, long ticks, List<Long> got) {
        List<Long> expected = new ArrayList<>();
        for (long n = 0; n < ticks; n++) {
            expected.add(n);
        }
        if (!expected.equals(got)) {
            fail(who + " did not get ticks 0.." + (ticks - 1) + " once each in order; got " + got.size()
                    + " ticks, first differences near " + firstDifference(expected, got));
        }
    }

    private static String firstDifference(List<Long> expected, List<Long> got) {
        for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
            if (!expected.get(i).equals(got.get(i))) {
                return "index " + i + ": expected " + expected.get(i) + ", got " + got.get(i);
            }
        }
        return "the end (" + expected.size() + " expected, " + got.size() + " got)";
    }

    private static <T> List<T> copy(List<T> synchronizedList) {
        synchronized (synchronizedList) {
            return new ArrayList<>(synchronizedList);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running.set(false);
        driver.shutdownNow();
        for (AldisClient client : clients) {
            RecordingListener.closeQuietly(client);
        }
        for (FrameClient link : links) {
            AldisKarafTestSupport.webSocketOf(link).close();
        }
    }
}
