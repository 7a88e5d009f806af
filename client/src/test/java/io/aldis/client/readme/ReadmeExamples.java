package io.aldis.client.readme;

import com.fasterxml.jackson.core.type.TypeReference;
import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.CallOptions;
import io.aldis.client.ConnectionListener;
import io.aldis.client.Delivery;
import io.aldis.client.DisconnectReason;
import io.aldis.client.FilePage;
import io.aldis.client.Message;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.Registration;
import io.aldis.client.ServiceName;
import io.aldis.client.SessionInfo;
import io.aldis.client.SlowConsumerPolicy;
import io.aldis.client.SubscribeOptions;
import io.aldis.client.Subscription;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Java examples of README.md and client/README.md, each between a "snippet of" line naming its
 * document and an "end of snippet" line, in the order the document has them. They are compiled
 * and never run, so the build breaks when the API moves away from what the documents show;
 * {@link ReadmeExamplesTest} checks that the documents still show exactly these snippets. The
 * code around a snippet only supplies what the document leaves to the reader (a password, a
 * payload, the application's own types and methods).
 */
@SuppressWarnings("unused")
final class ReadmeExamples {
    record Item(String sku, int count) {
    }

    record Order(String owner, List<Item> items) {
    }

    record Receipt(String order) {
    }

    void firstSteps(char[] password) throws Exception {
        // snippet of README.md
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", 7440)
                .credentials("alice", password)          // SCRAM-SHA-256
                .listener(new ConnectionListener() {
                    @Override public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
                        System.out.println("reconnecting (" + lost.message() + "), attempt " + attempt);
                    }
                })
                .build();
        client.connect().get();                          // CONNECT, SCRAM, AUTH_OK
        System.out.println(client.session());            // session id, node name, capabilities, limits
        client.close().get();                            // CLOSE / CLOSE_ACK
        // end of snippet
    }

    /** The README's calls of the examples bundle, with the records a client of it writes for itself. */
    static final class ExamplesBundle {
        record Order(String sku, int quantity, String customer) {
        }

        record Receipt(long orderNumber, String sku, int quantity, String customer) {
        }

        void callTheExamples(AldisClient client) {
            // snippet of README.md
            Message hello = client.send("examples.greeting", "Ann".getBytes(StandardCharsets.UTF_8)).join();
            System.out.println(hello.text());                        // Hello, Ann! (from alice)

            Receipt receipt = client.call("examples.orders.place",   // the order is the one parameter
                    new Order("TEA-0001", 3, "ann"), Receipt.class).join();

            List<?> readings = client.call("examples.meters.readings",
                    new Object[] {"kitchen", 5}, List.class).join();  // [{"meter":"kitchen","wattHours":10}, ...]
            Map<?, ?> totals = client.call("examples.meters.total",
                    new Object[] {readings}, Map.class).join();       // {"readings":5,"wattHours":150,...}

            Delivery article = client.requestReply("examples.catalogue.TEA-0001", new byte[0],
                    Duration.ofSeconds(5)).join();
            System.out.println(article.text() + " " + article.headers().get("status"));  // Green tea, 100 g found
            // end of snippet
        }
    }

    void connect(char[] password) {
        // snippet of client/README.md
        AldisClient client = AldisClient.builder()
            .address("127.0.0.1", 7440)
            .credentials("alice", password)          // char[]; the client keeps its own copy
            .clientName("my-app/1.0")
            .build();

        client.connect().join();                     // completes once the session is authenticated
        SessionInfo session = client.session();      // session id, user, node name and capabilities, limits
        // ... the application's work ...
        client.close().join();                       // CLOSE, wait for CLOSE_ACK, release threads
        // end of snippet
    }

    void call(AldisClient client) {
        // snippet of client/README.md
        int sum = client.call("calculator.add", new Object[] {2, 40}, Integer.class).join();
        Receipt r = client.call("orders.place", new Order("ann", List.of(new Item("tea", 2))), Receipt.class).join();
        List<Item> items = client.<List<Item>>call("orders.items", Map.of("order", 17),
                new TypeReference<List<Item>>() { }.getType(), CallOptions.timeout(Duration.ofSeconds(2))).join();
        // end of snippet
    }

    void proxyAndProvide(AldisClient client) {
        // snippet of client/README.md
        @ServiceName("calculator")                  // optional: the default is the simple name in lower camel case
        interface Calculator {
            int add(int a, int b);                              // blocks up to callTimeout
            CompletableFuture<Receipt> place(Order order);      // CompletionStage or CompletableFuture: async
            String slow(String tag, CallOptions options);       // a CallOptions parameter is not sent
            default int twice(int a) { return add(a, a); }      // runs locally
        }

        Calculator calc = client.proxy(Calculator.class);
        Calculator other = client.proxy(Calculator.class, "calculator-v2");
        // end of snippet

        class CalculatorImpl implements Calculator {
            @Override
            public int add(int a, int b) {
                return a + b;
            }

            @Override
            public CompletableFuture<Receipt> place(Order order) {
                return CompletableFuture.completedFuture(new Receipt(order.owner()));
            }

            @Override
            public String slow(String tag, CallOptions options) {
                return tag;
            }
        }

        // snippet of client/README.md
        Registration reg = client.provide(Calculator.class, new CalculatorImpl());   // name from the interface
        Registration raw = client.provide("echo", (method, params, context) ->
                CompletableFuture.completedFuture(params));                            // JSON in, JSON out
        reg.ready().join();            // the node accepted it (or: AldisException, e.g. FORBIDDEN)
        // ... while the service is wanted ...
        reg.close();                   // SERVICE_WITHDRAW
        // end of snippet
    }

    record Tick(String symbol, double price) {
    }

    void streams(AldisClient client, Flow.Subscriber<Tick> subscriber, Flow.Publisher<byte[]> blocks) {
        // snippet of client/README.md
        @ServiceName("feed")
        interface Feed {
            Flow.Publisher<Tick> ticks(String symbol);                        // a streamed result
            CompletableFuture<Long> store(String name, Flow.Publisher<byte[]> blocks);   // a streamed parameter
            Flow.Publisher<String> chat(String room, Flow.Publisher<String> lines);      // both
        }

        Feed feed = client.proxy(Feed.class);
        feed.ticks("ACME").subscribe(subscriber);                  // the call is made now, once per subscription

        Flow.Publisher<Tick> ticks = client.callStream("feed.ticks", new Object[] {"ACME"}, Tick.class,
                CallOptions.noTimeout().withStreamHighWaterMark(256));
        CompletableFuture<Long> size = client.callWithStream("feed.store", new Object[] {"a.bin", blocks},
                Long.class, CallOptions.defaults());
        // end of snippet
    }

    void publishAndSubscribe(AldisClient client, byte[] bytes) {
        // snippet of client/README.md
        client.publish("sensors.kitchen.temp", bytes);
        client.publish("sensors.kitchen.temp", bytes, "replies.here", Map.of("unit", "C"));

        Subscription s = client.subscribe("sensors.*.temp", d ->
                System.out.println(d.subject() + " " + d.text() + " " + d.headers()));
        s.ready().join();              // the node's ACK; fails with INVALID_SUBJECT, FORBIDDEN, SUBSCRIPTION_LIMIT ...
        Subscription worker = client.subscribe("jobs.new", "workers", d -> work(d));   // queue group
        Subscription bounded = client.subscribe("metrics.>", SubscribeOptions.defaults()
                .withPolicy(SlowConsumerPolicy.DROP_OLDEST).withBudgetBytes(256 * 1024), d -> record(d));
        // ... while the messages are wanted ...
        s.close();                     // UNSUBSCRIBE; s.unsubscribe() returns a future of the ACK
        // end of snippet
    }

    void requestReply(AldisClient client, byte[] payload) {
        // snippet of client/README.md
        client.subscribe("time.now", d -> client.publish(d.replyTo(), now()));       // a responder

        Delivery answer = client.requestReply("time.now", payload, Duration.ofSeconds(2)).join();
        // end of snippet
    }

    void typedMessage(AldisClient client, byte[] bytes) {
        // snippet of client/README.md
        Message reply = client.send("text.upper", bytes).join();    // to the node's handler for the type
        // end of snippet
    }

    void files(AldisClient client) throws Exception {
        // snippet of client/README.md
        Transfer upload = client.upload(Path.of("report.pdf"), "reports/2026/report.pdf",
                TransferOptions.defaults().withProgress(p -> log(p.bytesDone() + "/" + p.totalBytes()
                        + " at " + (long) p.bytesPerSecond() + " B/s, " + p.eta().map(Duration::toSeconds).orElse(-1L) + " s left")));
        TransferResult stored = upload.result().get();          // verified by the node's SHA-256
        log(stored.remoteName() + " " + stored.sha256Hex());

        Transfer download = client.download("reports/2026/report.pdf", Path.of("copy.pdf"));
        download.result().get();                                 // copy.pdf appears only once verified

        FilePage page = client.list("reports/**/*.pdf", 0, 100).get(); // sorted by name, with totalCount
        client.remove("reports/2026/report.pdf").get();
        // end of snippet
    }

    AldisClient listen(char[] password) {
        // snippet of client/README.md
        AldisClient client = AldisClient.builder()
            .address("node.example.com", 7440)
            .credentials("alice", password)
            .listener(new ConnectionListener() {
                @Override public void connected(SessionInfo s) { log("session " + s.sessionId() + " on " + s.nodeName()); }
                @Override public void disconnected(DisconnectReason r) {
                    log(r.normal() ? "closed" : "lost: " + r.rawCode() + " " + r.message());
                }
                @Override public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
                    log("retry " + attempt + " in " + delay + " after " + lost.errorCode().map(Enum::name).orElse("a close"));
                }
                @Override public void reconnected(SessionInfo s) { log("back, token accepted: " + s.resumed()); }
                @Override public void reconnectFailed(AldisException e) { log("gave up: " + e.getMessage()); }
                @Override public void capabilitiesChanged(SessionInfo s) { log("node offers " + s.capabilities()); }
            })
            .build();
        // end of snippet
        return client;
    }

    AldisClient.Builder reconnect(AldisClient.Builder builder) {
        return builder
                // snippet of client/README.md
                .reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 10).withJitter(0.2))
                // end of snippet
                ;
    }

    AldisClient severalNodes(char[] password) {
        // snippet of client/README.md
        AldisClient client = AldisClient.builder()
                .addresses("10.0.0.1:7440", "10.0.0.2:7440", "10.0.0.3:7440")   // replaces address(..)
                .credentials("alice", password)
                .build();
        // end of snippet
        return client;
    }

    AldisClient.Builder tls(AldisClient.Builder builder, char[] storePassword, TrustManagerFactory trustManagerFactory) {
        return builder
                // snippet of client/README.md
                .tls(Path.of("truststore.p12"), storePassword)   // PKCS12 trust store with the node's certificate or CA
                // or
                .tls(trustManagerFactory)                         // any javax.net.ssl.TrustManagerFactory
                // end of snippet
                ;
    }

    private static void log(String line) {
        System.out.println(line);
    }

    private static void work(Delivery delivery) {
    }

    private static void record(Delivery delivery) {
    }

    private static byte[] now() {
        return java.time.Instant.now().toString().getBytes(StandardCharsets.UTF_8);
    }
}
