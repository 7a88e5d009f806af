package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.CallOptions;
import io.aldis.client.ClientState;
import io.aldis.client.Delivery;
import io.aldis.client.FileTransferException;
import io.aldis.client.RpcCallException;
import io.aldis.client.RpcCallException.FieldError;
import io.aldis.client.SessionInfo;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The examples bundle in the distribution, driven from the Java client as an application would:
 * {@code feature:install aldis-examples}, then each piece (the typed message, the validated RPC,
 * both streaming methods, the PubSub responder, the upload rules and the announcer of uploaded
 * files), then {@code feature:uninstall aldis-examples},
 * which withdraws them all without dropping a session or touching the core.
 *
 * <p>The test never loads a class of the examples bundle: it speaks JSON and maps, as a client
 * without the examples jar would. A class loaded from it would wire the test to the bundle, and
 * uninstalling the feature would then refresh the test itself.
 *
 * <p>The streaming methods are called here without streams (the Java client's {@code call} does
 * not announce them), so the node answers as batches: the readings come as one JSON array and the
 * readings to total are given as one. Each such call is in one helper named for that, so that it
 * can become a streaming call once the client can make them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExamplesFeatureIT extends AldisKarafTestSupport {

    private static final String USER = "examplesuser";
    private static final String PASSWORD = "examples-Pa55word";
    private static final String FEATURE = "aldis-examples";
    private static final String EXAMPLES_BUNDLE = "io.aldis.examples";
    private static final String GREETING = "examples.greeting";
    private static final String ORDERS = "examples.orders";
    private static final String METERS = "examples.meters";
    private static final String RESPONDER = "io.aldis.examples.internal.catalogue.CatalogueResponder";
    private static final String ANNOUNCER = "io.aldis.examples.internal.files.UploadAnnouncer";
    private static final int COMPONENTS = 6;
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    private static boolean userAdded;

    @Before
    public void examplesInstalled() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        synchronized (ExamplesFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
        if (bundle(EXAMPLES_BUNDLE) == null) {
            executeCommand("feature:install " + FEATURE);
        }
        awaitExamplesServing();
    }

    @Test
    public void theTypedMessageHandlerGreetsAndRefusesAMissingName() throws Exception {
        AldisClient client = connect(null);
        try {
            assertEquals("Hello, Ann! (from " + USER + ")",
                    client.send(GREETING, utf8("Ann")).get(30, SECONDS).text());
            AldisException noName = failureOf(client.send(GREETING, utf8("  ")));
            assertEquals(noName.toString(), ErrorCode.INVALID_PARAMS, noName.code());
            assertTrue(noName.getMessage(), noName.getMessage().contains("a name of 1 to 64 characters"));
        } finally {
            RecordingListener.closeQuietly(client);
        }
    }

    @Test
    public void aValidOrderIsPlacedAndAnInvalidOneIsAnsweredWithEveryFieldError() throws Exception {
        AldisClient client = connect(null);
        try {
            Map<?, ?> receipt = client.call(ORDERS + ".place", order("TEA-0001", 3, "ann"), Map.class)
                    .get(30, SECONDS);
            assertEquals("TEA-0001", receipt.get("sku"));
            assertEquals(3, receipt.get("quantity"));
            assertEquals("ann", receipt.get("customer"));
            Number first = (Number) receipt.get("orderNumber");
            Map<?, ?> next = client.call(ORDERS + ".place", Map.of("order", order("POT-0003", 1, "bob")), Map.class)
                    .get(30, SECONDS);
            assertEquals("the order given by name gets the next number", first.longValue() + 1,
                    ((Number) next.get("orderNumber")).longValue());

            RpcCallException invalid = rpcFailureOf(client.call(ORDERS + ".place", order("tea", 0, ""), Map.class));
            assertEquals(invalid.toString(), ErrorCode.INVALID_PARAMS, invalid.code());
            assertEquals(Map.of(
                    "order.sku", "must look like TEA-0001",
                    "order.quantity", "must be at least 1",
                    "order.customer", "must have between 1 and 64 characters"), reasons(invalid));

            RpcCallException tooMany = rpcFailureOf(client.call(ORDERS + ".place", order("TEA-0001", 101, "ann"),
                    Map.class));
            assertEquals(Set.of("order.quantity"), reasons(tooMany).keySet());

            RpcCallException unknown = rpcFailureOf(client.call(ORDERS + ".place", order("TEA-9999", 1, "ann"),
                    Map.class));
            assertEquals(unknown.toString(), ErrorCode.INVALID_PARAMS, unknown.code());
            assertEquals(Map.of("order.sku", "no article TEA-9999 in the catalogue"), reasons(unknown));
        } finally {
            RecordingListener.closeQuietly(client);
        }
    }

    /** The console commands of the README's walk through the examples. */
    @Test
    public void theShellListsAndCallsTheExamples() {
        assertTrue(executeCommand("aldis:rpc-list " + ORDERS).contains(ORDERS + ".place"));
        String meters = executeCommand("aldis:rpc-list " + METERS);
        assertTrue(meters, meters.contains(METERS + ".readings") && meters.contains(METERS + ".total"));

        String receipt = executeCommand("aldis:rpc-call " + ORDERS
                + ".place '{\"sku\": \"CUP-0002\", \"quantity\": 2, \"customer\": \"shell\"}'");
        assertTrue(receipt, receipt.contains("\"sku\":\"CUP-0002\"") && receipt.contains("\"customer\":\"shell\""));
        String refused = executeFailingCommand("aldis:rpc-call " + ORDERS
                + ".place '{\"sku\": \"CUP-0002\", \"quantity\": 0, \"customer\": \"shell\"}'");
        assertTrue(refused, refused.contains("order.quantity") && refused.contains("must be at least 1"));

        assertEquals("[{\"meter\":\"kitchen\",\"wattHours\":10},{\"meter\":\"kitchen\",\"wattHours\":20},"
                + "{\"meter\":\"kitchen\",\"wattHours\":30}]",
                executeCommand("aldis:rpc-call " + METERS + ".readings '[\"kitchen\", 3]'").strip());
        assertEquals("{\"readings\":2,\"wattHours\":15,\"perMeter\":{\"hall\":5,\"kitchen\":10}}",
                executeCommand("aldis:rpc-call " + METERS + ".total '[[{\"meter\": \"kitchen\", \"wattHours\": 10}, "
                        + "{\"meter\": \"hall\", \"wattHours\": 5}]]'").strip());
    }

    @Test
    public void theMeterStreamsItsReadingsAndTheTotalTakesAStreamOfReadings() throws Exception {
        AldisClient client = connect(null);
        try {
            assertTrue("the node streams (aldis-streaming is booted)",
                    client.session().capabilities().contains(Capability.STREAMS));
            List<Map<String, Object>> kitchen = readings(client, "kitchen", 40);
            assertEquals(40, kitchen.size());
            for (int i = 0; i < kitchen.size(); i++) {
                assertEquals(Map.of("meter", "kitchen", "wattHours", 10 * (i + 1)), kitchen.get(i));
            }
            List<Map<String, Object>> hall = readings(client, "hall", 3);

            // What one method streams out, the other takes in: more readings than the method's
            // high-water mark of 32, and more than one batch of what it asks for at a time.
            List<Map<String, Object>> both = new ArrayList<>(kitchen);
            both.addAll(hall);
            Map<?, ?> totals = total(client, both);
            assertEquals(43, ((Number) totals.get("readings")).intValue());
            long kitchenSum = 10L * 40 * 41 / 2;
            long hallSum = 10L + 20 + 30;
            assertEquals(kitchenSum + hallSum, ((Number) totals.get("wattHours")).longValue());
            Map<?, ?> perMeter = (Map<?, ?>) totals.get("perMeter");
            assertEquals("meters in alphabetical order", List.of("hall", "kitchen"),
                    new ArrayList<>(perMeter.keySet()));
            assertEquals(hallSum, ((Number) perMeter.get("hall")).longValue());
            assertEquals(kitchenSum, ((Number) perMeter.get("kitchen")).longValue());

            Map<?, ?> nothing = total(client, List.of());
            assertEquals(0, ((Number) nothing.get("readings")).intValue());

            // Every reading is checked against the record's constraints.
            List<Map<String, Object>> bad = List.of(reading("attic", 5), reading("Attic!", -1));
            RpcCallException invalid = rpcFailureOf(client.call(METERS + ".total", new Object[] {bad}, Map.class));
            assertEquals(invalid.toString(), ErrorCode.INVALID_PARAMS, invalid.code());
            assertEquals(Set.of("readings[1].meter", "readings[1].wattHours"), reasons(invalid).keySet());

            RpcCallException tooMany = rpcFailureOf(client.call(METERS + ".readings", new Object[] {"hall", 0},
                    List.class));
            assertEquals(Map.of("count", "must be at least 1"), reasons(tooMany));
        } finally {
            RecordingListener.closeQuietly(client);
        }
    }

    @Test
    public void theCatalogueResponderAnswersRequestsThroughPubSub() throws Exception {
        AldisClient client = connect(null);
        try {
            Delivery tea = client.requestReply("examples.catalogue.TEA-0001", new byte[0], REPLY_WAIT)
                    .get(30, SECONDS);
            assertEquals("Green tea, 100 g", tea.text());
            assertEquals("found", tea.headers().get("status"));
            Delivery unknown = client.requestReply("examples.catalogue.XYZ-0000", new byte[0], REPLY_WAIT)
                    .get(30, SECONDS);
            assertEquals("", unknown.text());
            assertEquals("unknown", unknown.headers().get("status"));
        } finally {
            RecordingListener.closeQuietly(client);
        }
    }

    @Test
    public void theUploadRulesRefuseAProgramAndTheAnnouncerTellsOfAnUploadedFile() throws Exception {
        AldisClient client = connect(null);
        Path folder = Files.createTempDirectory("examples-files");
        try {
            BlockingQueue<Delivery> announcements = new LinkedBlockingQueue<>();
            client.subscribe("examples.files.uploaded", announcements::add).ready().get(30, SECONDS);
            Path program = Files.write(folder.resolve("setup.exe"), utf8("MZ"));
            String remote = "examples-" + UUID.randomUUID() + ".exe";
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> client.upload(program, remote).result().get(30, SECONDS));
            FileTransferException rejection = (FileTransferException) refused.getCause();
            assertEquals(rejection.toString(), ErrorCode.UPLOAD_REJECTED, rejection.code());
            assertTrue(rejection.getMessage(), rejection.getMessage().contains("files ending in .exe are not accepted here"));

            Path notes = Files.write(folder.resolve("notes.txt"), utf8("hello"));
            String name = "examples-" + UUID.randomUUID() + ".txt";
            assertEquals(5, client.upload(notes, name).result().get(30, SECONDS).size());
            Delivery announced = announcements.poll(30, SECONDS);
            assertNotNull("the upload was announced", announced);
            assertEquals(USER + " uploaded " + name + " (5 bytes)", announced.text());
            assertEquals(Map.of("user", USER, "name", name, "size", "5"), announced.headers());
            client.remove(name).get(30, SECONDS);
        } finally {
            RecordingListener.closeQuietly(client);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    @Test
    public void uninstallingTheFeatureWithdrawsEveryPieceWithoutDroppingSessions() throws Exception {
        RecordingListener callerEvents = new RecordingListener();
        RecordingListener bystanderEvents = new RecordingListener();
        AldisClient caller = null;
        AldisClient bystander = null;
        boolean uninstalled = false;
        Bundle rpc = bundle("io.aldis.feature.rpc");
        Bundle pubsub = bundle("io.aldis.feature.pubsub");
        long rpcModified = rpc.getLastModified();
        long pubsubModified = pubsub.getLastModified();
        CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
        try {
            caller = connect(callerEvents);
            bystander = connect(bystanderEvents);
            UUID callerSession = caller.session().sessionId();
            UUID bystanderSession = bystander.session().sessionId();
            BlockingQueue<Delivery> news = new LinkedBlockingQueue<>();
            bystander.subscribe("news.>", news::add).ready().get(30, SECONDS);

            // Every piece answers before the uninstall.
            assertNotNull(caller.send(GREETING, utf8("Ann")).get(30, SECONDS));
            assertNotNull(caller.call(ORDERS + ".place", order("TEA-0001", 1, "ann"), Map.class).get(30, SECONDS));
            assertEquals(2, readings(caller, "hall", 2).size());
            assertNotNull(caller.requestReply("examples.catalogue.TEA-0001", new byte[0], REPLY_WAIT)
                    .get(30, SECONDS));

            executeCommand("feature:uninstall " + FEATURE);
            uninstalled = true;
            assertNull("the examples bundle is gone", bundle(EXAMPLES_BUNDLE));

            // Withdrawn at once: no service of the bundle is left, and every piece answers as for
            // something that does not exist.
            assertEquals(List.of(), examplesServices());
            AldisException noHandler = failureOf(caller.send(GREETING, utf8("Ann")));
            assertEquals(noHandler.toString(), ErrorCode.NO_HANDLER, noHandler.code());
            for (String method : List.of(ORDERS + ".place", METERS + ".readings", METERS + ".total")) {
                AldisException missing = failureOf(caller.call(method, new Object[0], Map.class));
                assertEquals(method + ": " + missing, ErrorCode.METHOD_NOT_FOUND, missing.code());
            }
            AldisException noResponder = failureOf(caller.requestReply("examples.catalogue.TEA-0001", new byte[0],
                    REPLY_WAIT));
            assertEquals(noResponder.toString(), ErrorCode.NO_RESPONDERS, noResponder.code());

            // Nobody was disconnected, and the features the examples used were not refreshed.
            caller.publish("news.examples", utf8("gone")).get(30, SECONDS);
            Delivery delivered = news.poll(30, SECONDS);
            assertNotNull("pub/sub still delivers between the two sessions", delivered);
            assertEquals("gone", delivered.text());
            for (AldisClient client : List.of(caller, bystander)) {
                assertEquals(ClientState.CONNECTED, client.state());
            }
            assertEquals(callerSession, caller.session().sessionId());
            assertEquals(bystanderSession, bystander.session().sessionId());
            assertEquals(List.of(), callerEvents.disconnects);
            assertEquals(List.of(), bystanderEvents.disconnects);
            assertEquals(List.of(), new ArrayList<>(bystanderEvents.errors));
            core.assertUntouched();
            assertUnrefreshed(rpc, rpcModified);
            assertUnrefreshed(pubsub, pubsubModified);

            // And the examples come back for the same sessions.
            executeCommand("feature:install " + FEATURE);
            uninstalled = false;
            awaitExamplesServing();
            assertEquals("Hello, Ann! (from " + USER + ")", caller.send(GREETING, utf8("Ann")).get(30, SECONDS).text());
            assertEquals(callerSession, caller.session().sessionId());
        } finally {
            core.close();
            RecordingListener.closeQuietly(caller);
            RecordingListener.closeQuietly(bystander);
            if (uninstalled) {
                executeCommand("feature:install " + FEATURE);
            }
        }
    }

    /**
     * A bundle built like the examples follows an update of a feature it uses: refreshing the
     * pub/sub bundle restarts the examples bundle (it imports pub/sub's API), whose components
     * register again, and the sessions that used them before use them again.
     */
    @Test
    public void refreshingPubSubRestartsTheExamplesForTheSameSessions() throws Exception {
        PubSubReturn events = new PubSubReturn();
        AldisClient client = connect(events);
        CountDownLatch restarted = new CountDownLatch(1);
        SynchronousBundleListener listener = event -> {
            if (event.getType() == BundleEvent.STARTED && EXAMPLES_BUNDLE.equals(event.getBundle().getSymbolicName())) {
                restarted.countDown();
            }
        };
        bundleContext.addBundleListener(listener);
        try {
            UUID session = client.session().sessionId();
            assertNotNull(client.requestReply("examples.catalogue.CUP-0002", new byte[0], REPLY_WAIT).get(30, SECONDS));

            executeCommand("bundle:refresh " + bundle("io.aldis.feature.pubsub").getBundleId());
            assertTrue("the examples bundle started again", restarted.await(WAIT.toSeconds(), SECONDS));
            assertTrue("the client was told pub/sub is back", events.back.await(WAIT.toSeconds(), SECONDS));
            awaitExamplesServing();

            assertEquals("Tea cup", client.requestReply("examples.catalogue.CUP-0002", new byte[0], REPLY_WAIT)
                    .get(30, SECONDS).text());
            assertEquals("Hello, Ann! (from " + USER + ")", client.send(GREETING, utf8("Ann")).get(30, SECONDS).text());
            assertEquals(3, readings(client, "hall", 3).size());
            assertEquals(ClientState.CONNECTED, client.state());
            assertEquals(session, client.session().sessionId());
            assertEquals(List.of(), events.disconnects);
        } finally {
            bundleContext.removeBundleListener(listener);
            RecordingListener.closeQuietly(client);
        }
    }

    /** Also notices when the node offers pub/sub and typed messages again after they went away. */
    private static final class PubSubReturn extends RecordingListener {
        final CountDownLatch back = new CountDownLatch(1);
        private boolean wentAway; // callbacks come one at a time

        @Override
        public void capabilitiesChanged(SessionInfo session) {
            boolean offered = session.has(Capability.MESSAGES) && session.has(Capability.PUBSUB);
            if (!offered) {
                wentAway = true;
            } else if (wentAway) {
                back.countDown();
            }
        }
    }

    // ---------------------------------------------------------------- streaming calls

    /** {@code examples.meters.readings} on a stream, taking the readings two at a time. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Map<String, Object>> readings(AldisClient client, String meter, int count)
            throws Exception {
        CompletableFuture<List<Map<String, Object>>> all = new CompletableFuture<>();
        client.callStream(METERS + ".readings", new Object[] {meter, count}, Map.class, CallOptions.defaults())
                .subscribe(new Flow.Subscriber<Map>() {
                    private final List<Map<String, Object>> items = new ArrayList<>();
                    private Flow.Subscription subscription;

                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription = s;
                        s.request(2);
                    }

                    @Override
                    public void onNext(Map item) {
                        items.add(item);
                        if (items.size() % 2 == 0) {
                            subscription.request(2);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        all.completeExceptionally(failure);
                    }

                    @Override
                    public void onComplete() {
                        all.complete(items);
                    }
                });
        return all.get(30, SECONDS);
    }

    /** {@code examples.meters.total} with the readings sent on a stream, as the node's credit allows. */
    private static Map<?, ?> total(AldisClient client, List<Map<String, Object>> readings) throws Exception {
        Flow.Publisher<Map<String, Object>> source = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private int next;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                for (long i = 0; i < n && next < readings.size(); i++) {
                    subscriber.onNext(readings.get(next++));
                }
                if (next == readings.size() && !done) {
                    done = true;
                    subscriber.onComplete();
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
        return client.<Map<?, ?>>callWithStream(METERS + ".total", new Object[] {source}, Map.class,
                CallOptions.defaults()).get(30, SECONDS);
    }

    // ---------------------------------------------------------------- support

    private static Map<String, Object> order(String sku, int quantity, String customer) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("sku", sku);
        order.put("quantity", quantity);
        order.put("customer", customer);
        return order;
    }

    private static Map<String, Object> reading(String meter, long wattHours) {
        return Map.of("meter", meter, "wattHours", wattHours);
    }

    private static RpcCallException rpcFailureOf(java.util.concurrent.CompletableFuture<?> call) throws Exception {
        AldisException failure = failureOf(call);
        assertTrue("an RPC error: " + failure, failure instanceof RpcCallException);
        return (RpcCallException) failure;
    }

    /** The field errors of an INVALID_PARAMS answer, reason by path. */
    private static Map<String, String> reasons(RpcCallException failure) {
        return failure.fieldErrors().stream().collect(Collectors.toMap(FieldError::path, FieldError::reason));
    }

    private void assertUnrefreshed(Bundle bundle, long lastModified) {
        assertEquals(bundle.getSymbolicName() + " still active", Bundle.ACTIVE, bundle.getState());
        assertEquals(bundle.getSymbolicName() + " not updated", lastModified, bundle.getLastModified());
        assertEquals(bundle.getSymbolicName() + " is the same bundle", bundle, bundle(bundle.getSymbolicName()));
    }

    /** Services of the examples: by their properties, without loading a class of the bundle. */
    private List<String> examplesServices() throws InvalidSyntaxException {
        ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null,
                "(|(aldis.rpc.service=examples.*)(aldis.message.type=examples.*))");
        List<String> found = new ArrayList<>();
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                found.add(String.valueOf(ref.getProperty("service.id")));
            }
        }
        return found;
    }

    /**
     * Waits until every component of the bundle is satisfied, the responder (which registers no
     * service to wait for) has subscribed, and the RPC feature has exported both services. Neither
     * DS nor the RPC feature announces these steps, so the state is looked at until it is reached.
     */
    private void awaitExamplesServing() {
        ServiceComponentRuntime scr = awaitService(ServiceComponentRuntime.class, null, WAIT);
        RpcRegistry registry = awaitService(RpcRegistry.class, null, WAIT);
        await("the examples' components active and their services exported", WAIT, () -> {
            Bundle examples = bundle(EXAMPLES_BUNDLE);
            if (examples == null || examples.getState() != Bundle.ACTIVE) {
                return false;
            }
            int ready = 0;
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(examples)) {
                int wanted = RESPONDER.equals(description.name) || ANNOUNCER.equals(description.name)
                        ? ComponentConfigurationDTO.ACTIVE
                        : ComponentConfigurationDTO.SATISFIED | ComponentConfigurationDTO.ACTIVE;
                if (scr.getComponentConfigurationDTOs(description).stream().anyMatch(c -> (c.state & wanted) != 0)) {
                    ready++;
                }
            }
            Set<String> exported = registry.services().stream().map(ServiceInfo::name).collect(Collectors.toSet());
            return ready == COMPONENTS && exported.containsAll(Set.of(ORDERS, METERS));
        });
    }

    private AldisClient connect(RecordingListener listener) throws Exception {
        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, listener);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
