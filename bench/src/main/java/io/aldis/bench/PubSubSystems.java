package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SlowConsumerPolicy;
import io.aldis.client.SubscribeOptions;
import io.aldis.client.Subscription;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

/**
 * The publish/subscribe systems under comparison, each driven through its own Java client. A
 * subject is written the Aldis way ({@code a.b}, {@code *} one token, {@code >} the rest) and each
 * system translates it to its own syntax.
 */
final class PubSubSystems {
    private PubSubSystems() {
    }

    /** One connection that publishes. */
    interface Publisher extends AutoCloseable {
        /** Publishes {@code count} messages on {@code subjects[(from + i) % subjects.length]}. */
        void publish(String[] subjects, long from, byte[] payload, int count) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** One connection that subscribes; its messages are counted into the given counter. */
    interface System extends AutoCloseable {
        String name();

        Publisher publisher() throws Exception;

        /** A new connection subscribed to each pattern, counting every message it receives. */
        AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Subscriptions get the largest budget and the block policy, so a burst is never dropped. */
    /** SUBSCRIBEs an Aldis client keeps unacknowledged while it subscribes many patterns. */
    private static final int SUBSCRIBE_WINDOW = 4096;

    static final String ALDIS_OPTIONS = "{\"policy\":\"block\",\"budgetBytes\":16777216}";

    // ---------------------------------------------------------------- Aldis, product client

    /** Aldis through the product's Java client ({@code AldisClient.publish} / {@code subscribe}). */
    static System aldisClient(int port, String user, char[] password, EventLoopGroup group) {
        return aldisClient(port, user, password, group, "Aldis (AldisClient)");
    }

    /** The same clients, NIO as the bench's shared group is, against a node on Java's NIO ({@code aldis.io=nio}). */
    static final String ALDIS_NIO_NODE = "Aldis (AldisClient), NIO node (aldis.io=nio)";

    /** As {@link #aldisClient(int, String, char[], EventLoopGroup)}, under another name (another node's port). */
    static System aldisClient(int port, String user, char[] password, EventLoopGroup group, String name) {
        return new System() {
            @Override
            public String name() {
                return name;
            }

            private AldisClient open() {
                AldisClient c = BenchClients.builder().address("127.0.0.1", port).credentials(user, password)
                        .reconnect(ReconnectPolicy.none()).eventLoopGroup(group).clientName("aldis-bench").build();
                c.connect().join();
                return c;
            }

            @Override
            public Publisher publisher() {
                AldisClient c = open();
                return new Publisher() {
                    @Override
                    public void publish(String[] subjects, long from, byte[] payload, int count) {
                        for (int i = 0; i < count; i++) {
                            c.publish(subjects[(int) ((from + i) % subjects.length)], payload);
                        }
                    }

                    @Override
                    public void close() {
                        c.close().join();
                    }
                };
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                AldisClient c = open();
                SubscribeOptions options = SubscribeOptions.defaults().withPolicy(SlowConsumerPolicy.BLOCK)
                        .withBudgetBytes(16 * 1024 * 1024);
                // A window of unacknowledged SUBSCRIBEs: the node acknowledges them more slowly than
                // a loop can send them, and past the client's send queue limit it answers BUSY.
                List<Subscription> subs = new ArrayList<>();
                int acknowledged = 0;
                for (String p : patterns) {
                    subs.add(c.subscribe(p, options, d -> received.incrementAndGet()));
                    if (subs.size() - acknowledged >= SUBSCRIBE_WINDOW) {
                        subs.get(acknowledged++).ready().get(60, TimeUnit.SECONDS);
                    }
                }
                while (acknowledged < subs.size()) {
                    subs.get(acknowledged++).ready().get(60, TimeUnit.SECONDS);
                }
                return () -> c.close().join();
            }
        };
    }

    // ---------------------------------------------------------------- across the nodes of a cluster

    /**
     * A system whose publishers connect to one node of a cluster and whose subscribers connect to
     * the others, taking turns. A subscriber is handed over only once a message published on the
     * publishers' node reached it, so the rounds do not start before the cluster knows its interest
     * (the probes are not counted).
     */
    static System acrossNodes(String name, System publisherNode, List<System> subscriberNodes) {
        return new System() {
            private int next;
            /** The counters of the subscribers handed over so far: a probe reaches every one of them. */
            private final List<AtomicLong> counters = new java.util.ArrayList<>();

            @Override
            public String name() {
                return name;
            }

            @Override
            public Publisher publisher() throws Exception {
                return publisherNode.publisher();
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                System node = subscriberNodes.get(next++ % subscriberNodes.size());
                AutoCloseable subscriber = node.subscriber(patterns, received);
                try (Publisher probe = publisherNode.publisher()) {
                    String[] subject = {patterns.get(0)};
                    long deadline = java.lang.System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (received.get() == 0) {
                        if (java.lang.System.nanoTime() > deadline) {
                            throw new IllegalStateException(name + ": no message crossed to a subscriber within 60 s");
                        }
                        probe.publish(subject, 0, new byte[1], 1);
                        Thread.sleep(20);
                    }
                }
                Thread.sleep(200); // probes still on their way arrive before the counts are reset
                // The probes also reached the subscribers handed over before this one, on the same subject.
                counters.add(received);
                counters.forEach(counter -> counter.set(0));
                return subscriber;
            }
        };
    }

    // ---------------------------------------------------------------- Aldis, minimal wire client

    /** How the minimal wire client reaches the node. */
    enum Wire {
        TCP("Aldis TCP (wire client)"),
        /** WebSocket, several length-prefixed frames per message ({@code aldis.v1.batch}). */
        WEBSOCKET("Aldis WebSocket (wire client)"),
        /** WebSocket, one frame per message ({@code aldis.v1}), as clients before the batched subprotocol. */
        WEBSOCKET_ONE_FRAME("Aldis WebSocket, one frame per message (wire client)");

        final String label;

        Wire(String label) {
            this.label = label;
        }
    }

    /** Aldis through {@link WireSession} over TCP or WebSocket. */
    static System aldisWire(Wire wire, int port, String user, char[] password, EventLoopGroup group) {
        return new System() {
            @Override
            public String name() {
                return wire.label;
            }

            private WireSession open() throws Exception {
                return switch (wire) {
                    case TCP -> WireSession.tcp(group, port, user, password);
                    case WEBSOCKET -> WireSession.ws(group, port, user, password, true);
                    case WEBSOCKET_ONE_FRAME -> WireSession.ws(group, port, user, password, false);
                };
            }

            @Override
            public Publisher publisher() throws Exception {
                WireSession s = open();
                return new Publisher() {
                    @Override
                    public void publish(String[] subjects, long from, byte[] payload, int count) {
                        s.publishBatch(subjects, from, payload, count);
                    }

                    @Override
                    public void close() {
                        s.close();
                    }
                };
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                WireSession s = open();
                long id = 1;
                for (String p : patterns) {
                    s.subscribe(id++, p, ALDIS_OPTIONS, d -> received.incrementAndGet());
                }
                return s;
            }
        };
    }

    // ---------------------------------------------------------------- NATS

    static System nats(int port) {
        return new System() {
            @Override
            public String name() {
                return "NATS (jnats)";
            }

            private Connection open() throws Exception {
                Options o = new Options.Builder().server("nats://127.0.0.1:" + port)
                        .maxReconnects(0).connectionTimeout(Duration.ofSeconds(10)).build();
                return Nats.connect(o);
            }

            @Override
            public Publisher publisher() throws Exception {
                Connection c = open();
                return new Publisher() {
                    @Override
                    public void publish(String[] subjects, long from, byte[] payload, int count) {
                        for (int i = 0; i < count; i++) {
                            c.publish(subjects[(int) ((from + i) % subjects.length)], payload);
                        }
                    }

                    @Override
                    public void close() throws Exception {
                        c.close();
                    }
                };
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                Connection c = open();
                Dispatcher d = c.createDispatcher(m -> received.incrementAndGet());
                // No pending limits: the benchmark's window bounds what is in flight.
                d.setPendingLimits(-1, -1);
                for (String p : patterns) {
                    d.subscribe(p);
                }
                c.flush(Duration.ofSeconds(60));
                return c::close;
            }
        };
    }

    // ---------------------------------------------------------------- Redis

    static System redis(int port) {
        return new System() {
            @Override
            public String name() {
                return "Redis (Jedis)";
            }

            @Override
            public Publisher publisher() {
                Jedis j = new Jedis("127.0.0.1", port);
                return new Publisher() {
                    @Override
                    public void publish(String[] subjects, long from, byte[] payload, int count) {
                        // PUBLISH always answers; pipelining the batch waits once per batch, not per message.
                        Pipeline p = j.pipelined();
                        for (int i = 0; i < count; i++) {
                            p.publish(subjects[(int) ((from + i) % subjects.length)].getBytes(), payload);
                        }
                        p.sync();
                    }

                    @Override
                    public void close() {
                        j.close();
                    }
                };
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                Jedis j = new Jedis("127.0.0.1", port, 0);
                List<String> channels = new ArrayList<>();
                List<String> globs = new ArrayList<>();
                for (String p : patterns) {
                    if (p.contains("*") || p.contains(">")) {
                        globs.add(p.replace(">", "*"));
                    } else {
                        channels.add(p);
                    }
                }
                java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(patterns.size());
                JedisPubSub listener = new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        received.incrementAndGet();
                    }

                    @Override
                    public void onPMessage(String pattern, String channel, String message) {
                        received.incrementAndGet();
                    }

                    @Override
                    public void onSubscribe(String channel, int n) {
                        ready.countDown();
                    }

                    @Override
                    public void onPSubscribe(String pattern, int n) {
                        ready.countDown();
                    }
                };
                Thread t = new Thread(() -> {
                    try {
                        if (!globs.isEmpty()) {
                            j.psubscribe(listener, globs.toArray(String[]::new));
                        } else {
                            j.subscribe(listener, channels.toArray(String[]::new));
                        }
                    } catch (RuntimeException e) {
                        // closed at the end
                    }
                }, "redis-subscriber");
                t.setDaemon(true);
                t.start();
                if (!globs.isEmpty()) {
                    // Wait for the first pattern, then add the channels in chunks.
                    while (!listener.isSubscribed()) {
                        Thread.sleep(10);
                    }
                    for (int i = 0; i < channels.size(); i += 1000) {
                        listener.subscribe(channels.subList(i, Math.min(channels.size(), i + 1000)).toArray(String[]::new));
                    }
                }
                if (!ready.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Redis subscriptions not confirmed");
                }
                return () -> {
                    try {
                        if (!globs.isEmpty()) {
                            listener.punsubscribe();
                        }
                        if (listener.isSubscribed()) {
                            listener.unsubscribe();
                        }
                    } catch (RuntimeException ignored) {
                        // the connection may be gone already
                    }
                    j.close();
                };
            }
        };
    }

    // ---------------------------------------------------------------- MQTT

    static String mqttTopic(String subject) {
        return subject.replace('.', '/').replace("*", "+").replace(">", "#");
    }

    static System mqtt(int port) {
        return new System() {
            private final AtomicLong ids = new AtomicLong();

            @Override
            public String name() {
                return "Mosquitto (Paho)";
            }

            private MqttAsyncClient open() throws MqttException {
                MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port, "bench-" + ids.incrementAndGet(),
                        new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setCleanSession(true);
                o.setMaxInflight(65_535);
                o.setKeepAliveInterval(60);
                c.connect(o).waitForCompletion(10_000);
                return c;
            }

            @Override
            public Publisher publisher() throws Exception {
                MqttAsyncClient c = open();
                return new Publisher() {
                    private final java.util.Map<String, String> topics = new java.util.HashMap<>();

                    @Override
                    public void publish(String[] subjects, long from, byte[] payload, int count) throws Exception {
                        for (int i = 0; i < count; i++) {
                            String s = subjects[(int) ((from + i) % subjects.length)];
                            String topic = topics.computeIfAbsent(s, PubSubSystems::mqttTopic);
                            while (true) {
                                try {
                                    c.publish(topic, payload, 0, false);
                                    break;
                                } catch (MqttException e) {
                                    if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                                        throw e;
                                    }
                                    Thread.onSpinWait();
                                }
                            }
                        }
                    }

                    @Override
                    public void close() throws Exception {
                        c.disconnect().waitForCompletion(5_000);
                        c.close();
                    }
                };
            }

            @Override
            public AutoCloseable subscriber(List<String> patterns, AtomicLong received) throws Exception {
                MqttAsyncClient c = open();
                IMqttMessageListener l = (topic, message) -> received.incrementAndGet();
                for (int i = 0; i < patterns.size(); i += 1000) {
                    List<String> chunk = patterns.subList(i, Math.min(patterns.size(), i + 1000));
                    String[] topics = chunk.stream().map(PubSubSystems::mqttTopic).toArray(String[]::new);
                    int[] qos = new int[topics.length];
                    IMqttMessageListener[] ls = new IMqttMessageListener[topics.length];
                    java.util.Arrays.fill(ls, l);
                    c.subscribe(topics, qos, ls).waitForCompletion(60_000);
                }
                return () -> {
                    c.disconnect().waitForCompletion(5_000);
                    c.close();
                };
            }
        };
    }

    static byte[] payload(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
