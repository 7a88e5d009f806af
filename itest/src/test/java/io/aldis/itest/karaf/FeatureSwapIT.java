package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.Delivery;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.client.Subscription;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Every feature of the distribution reinstalled, updated and refreshed while the node is in use:
 * bystander sessions on the other features (100 by default, {@code -Daldis.itest.bystanders=N})
 * drop no session and lose no message or call; the users of the swapped feature get back what
 * they set up without code of their own; a call in flight through a feature that goes fails at
 * once with a clear code; and the core is never refreshed.
 *
 * <p>Nothing here loads a class of a feature's API package: the test itself would be refreshed
 * with the feature otherwise.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureSwapIT extends AldisKarafTestSupport {

    private static final int BYSTANDERS = Integer.getInteger("aldis.itest.bystanders", 100);
    private static final int WS_PORT = 7441;
    private static final String USER = "swapuser";
    private static final String PASSWORD = "swap-Pa55word";
    private static final String CALC_ACTIVATOR = "io.aldis.itest.karaf.CalcActivator";
    private static final String CALC_INTERFACE = "io.aldis.itest.karaf.Calc";
    private static boolean prepared;

    /** How a feature is swapped, as an operator would do it from the shell. */
    private enum Swap {
        REINSTALL, UPDATE, REFRESH
    }

    /** The test's clients carry their own Jackson, as a remote application would. */
    @Override
    protected Option[] extraOptions() {
        return jacksonOutsideTheFeatures();
    }

    @Before
    public void nodeIsUp() throws Exception {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitCapability("pubsub");
        awaitCapability("rpc");
        synchronized (FeatureSwapIT.class) {
            if (!prepared) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                TestBundles.install(bundleContext, "io.aldis.itest.calc.swap", CALC_ACTIVATOR, "org.osgi.framework",
                        List.of(CALC_ACTIVATOR, CALC_INTERFACE)).start();
                prepared = true;
            }
        }
        awaitLogin();
    }

    // ---------------------------------------------------------------- pub/sub, under RPC load

    @Test
    public void pubSubReinstalledUnderRpcLoad() throws Exception {
        swapPubSub(Swap.REINSTALL);
    }

    @Test
    public void pubSubUpdatedUnderRpcLoad() throws Exception {
        swapPubSub(Swap.UPDATE);
    }

    @Test
    public void pubSubRefreshedUnderRpcLoad() throws Exception {
        swapPubSub(Swap.REFRESH);
    }

    private void swapPubSub(Swap swap) throws Exception {
        try (CoreWatch core = watchCore(); SwapLoad load = SwapLoad.rpcOverTcp(BYSTANDERS, DEFAULT_PORT, USER, PASSWORD)) {
            load.awaitProgress(BYSTANDERS);
            Changes changes = new Changes();
            AldisClient subscriber = RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, changes);
            AldisClient publisher = RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, null);
            try {
                UUID session = subscriber.session().sessionId();
                BlockingQueue<Delivery> plain = new LinkedBlockingQueue<>();
                BlockingQueue<Delivery> grouped = new LinkedBlockingQueue<>();
                Subscription all = subscriber.subscribe("swap.>", plain::add);
                Subscription workers = subscriber.subscribe("jobs.*", "workers", grouped::add);
                all.ready().get(30, SECONDS);
                workers.ready().get(30, SECONDS);
                publisher.publish("swap.before", utf8("before")).get(30, SECONDS);
                assertEquals("before", next(plain).text());

                swap("aldis-pubsub", "io.aldis.feature.pubsub", swap, () -> {
                    AldisException refused = failureOf(publisher.subscribe("other.>", d -> { }).ready());
                    assertEquals(refused.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
                });
                changes.await(Capability.PUBSUB, false);
                changes.await(Capability.PUBSUB, true);
                // The publisher refuses to publish itself until it too has heard that pub/sub is back.
                await("the publisher told pub/sub is back", WAIT, () -> publisher.session().has(Capability.PUBSUB));
                load.awaitProgress(BYSTANDERS);

                publisher.publish("swap.after", utf8("after")).get(30, SECONDS);
                publisher.publish("jobs.one", utf8("job")).get(30, SECONDS);
                assertEquals("the subscription came back by itself", "after", next(plain).text());
                assertEquals("the queue-group membership came back by itself", "job", next(grouped).text());
                assertTrue(all.active());
                assertEquals(ClientState.CONNECTED, subscriber.state());
                assertEquals("the same session throughout", session, subscriber.session().sessionId());
                assertEquals(List.of(), changes.disconnects);
            } finally {
                RecordingListener.closeQuietly(subscriber);
                RecordingListener.closeQuietly(publisher);
            }
            load.stopAndAssertNothingLost();
            core.assertUntouched();
        }
    }

    // ---------------------------------------------------------------- RPC, under pub/sub load

    @Test
    public void rpcReinstalledUnderPubSubLoad() throws Exception {
        swapRpc(Swap.REINSTALL);
    }

    @Test
    public void rpcUpdatedUnderPubSubLoad() throws Exception {
        swapRpc(Swap.UPDATE);
    }

    @Test
    public void rpcRefreshedUnderPubSubLoad() throws Exception {
        swapRpc(Swap.REFRESH);
    }

    private void swapRpc(Swap swap) throws Exception {
        try (CoreWatch core = watchCore(); SwapLoad load = SwapLoad.pubSubOverTcp(BYSTANDERS, DEFAULT_PORT, USER, PASSWORD)) {
            load.awaitProgress(BYSTANDERS);
            Changes changes = new Changes();
            AldisClient caller = RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, changes);
            AldisClient provider = RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, null);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try {
                provider.provide("echo", (method, params, context) -> CompletableFuture.completedFuture(params))
                        .ready().get(30, SECONDS);
                provider.provide("stuck", (method, params, context) -> {
                    entered.countDown();
                    release.await(60, SECONDS);
                    return CompletableFuture.completedFuture(utf8("null"));
                }).ready().get(30, SECONDS);
                assertEquals(List.of("one"), caller.call("echo.back", new Object[] {"one"}, List.class).get(30, SECONDS));
                CompletableFuture<Object> inFlight = caller.call("stuck.wait", null, Object.class);
                assertTrue("the provider got the call", entered.await(30, SECONDS));

                swap("aldis-rpc", "io.aldis.feature.rpc", swap, () -> {
                    AldisException refused = failureOf(caller.call("echo.back", new Object[] {"x"}, List.class));
                    assertEquals(refused.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
                });
                AldisException stopped = failureOf(inFlight);
                assertEquals("a call in flight fails at once: " + stopped, ErrorCode.SHUTTING_DOWN, stopped.code());
                release.countDown();
                changes.await(Capability.RPC, false);
                changes.await(Capability.RPC, true);

                assertEquals("the provided service came back by itself", List.of("two"),
                        caller.call("echo.back", new Object[] {"two"}, List.class).get(30, SECONDS));
                assertEquals(Integer.valueOf(5), caller.call("calc.add", new Object[] {2, 3}, Integer.class)
                        .get(30, SECONDS));
                assertEquals(List.of(), changes.disconnects);
                load.awaitProgress(BYSTANDERS);
            } finally {
                release.countDown();
                RecordingListener.closeQuietly(caller);
                RecordingListener.closeQuietly(provider);
            }
            load.stopAndAssertNothingLost();
            core.assertUntouched();
        }
    }

    // ---------------------------------------------------------------- authentication, under pub/sub load

    @Test
    public void authReinstalledUnderPubSubLoad() throws Exception {
        swapAuth(Swap.REINSTALL);
    }

    @Test
    public void authUpdatedUnderPubSubLoad() throws Exception {
        swapAuth(Swap.UPDATE);
    }

    @Test
    public void authRefreshedUnderPubSubLoad() throws Exception {
        swapAuth(Swap.REFRESH);
    }

    private void swapAuth(Swap swap) throws Exception {
        try (CoreWatch core = watchCore(); SwapLoad load = SwapLoad.pubSubOverTcp(BYSTANDERS, DEFAULT_PORT, USER, PASSWORD)) {
            load.awaitProgress(BYSTANDERS);
            swap("aldis-auth", "io.aldis.feature.auth", swap, () -> {
                AldisException refused = failureOf(CompletableFuture.supplyAsync(() -> {
                    try {
                        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, null);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e.getCause() != null ? e.getCause() : e);
                    }
                }));
                assertEquals("a new login while authentication is away: " + refused,
                        ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
                load.awaitProgress(BYSTANDERS);
            });
            awaitLogin();
            load.awaitProgress(BYSTANDERS);
            load.stopAndAssertNothingLost();
            core.assertUntouched();
        }
    }

    // ---------------------------------------------------------------- transports

    @Test
    public void webSocketTransportReinstalledUnderTcpLoad() throws Exception {
        swapWebSocket(Swap.REINSTALL);
    }

    @Test
    public void webSocketTransportUpdatedUnderTcpLoad() throws Exception {
        swapWebSocket(Swap.UPDATE);
    }

    @Test
    public void webSocketTransportRefreshedUnderTcpLoad() throws Exception {
        swapWebSocket(Swap.REFRESH);
    }

    private void swapWebSocket(Swap swap) throws Exception {
        awaitListener(WS_PORT);
        try (CoreWatch core = watchCore(); SwapLoad load = SwapLoad.pubSubOverTcp(BYSTANDERS, DEFAULT_PORT, USER, PASSWORD)) {
            load.awaitProgress(BYSTANDERS);
            swap("aldis-transport-ws", "io.aldis.transport.ws", swap, () -> awaitPortClosed(WS_PORT));
            awaitPortOpen(WS_PORT);
            try (FrameClient link = openWebSocket(WS_PORT, "/aldis")) {
                link.login(USER, PASSWORD, WEB_SOCKET_CAPABILITIES);
                link.send(new Subscribe(7, "ws.back", "", ""));
                link.await(FrameType.ACK);
                link.send(new Publish("ws.back", "", Map.of(), utf8("hello")));
                Deliver d = link.await(FrameType.DELIVER);
                assertEquals("hello", new String(d.payload(), StandardCharsets.UTF_8));
            }
            load.awaitProgress(BYSTANDERS);
            load.stopAndAssertNothingLost();
            core.assertUntouched();
        }
    }

    @Test
    public void tcpTransportReinstalledUnderWebSocketLoad() throws Exception {
        swapTcp(Swap.REINSTALL);
    }

    @Test
    public void tcpTransportUpdatedUnderWebSocketLoad() throws Exception {
        swapTcp(Swap.UPDATE);
    }

    @Test
    public void tcpTransportRefreshedUnderWebSocketLoad() throws Exception {
        swapTcp(Swap.REFRESH);
    }

    /**
     * The TCP listener's own connections end with it; its users are Java clients that reconnect,
     * resume their sessions and subscribe again on their own.
     */
    private void swapTcp(Swap swap) throws Exception {
        awaitListener(WS_PORT);
        try (CoreWatch core = watchCore(); SwapLoad load = SwapLoad.pubSubOverWebSocket(BYSTANDERS, WS_PORT, USER, PASSWORD)) {
            load.awaitProgress(BYSTANDERS);
            AldisClient subscriber = reconnecting();
            AldisClient publisher = reconnecting();
            try {
                BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
                subscriber.subscribe("tcp.>", got::add).ready().get(30, SECONDS);
                swap("aldis-transport-tcp", "io.aldis.transport.tcp", swap, () -> awaitPortClosed(DEFAULT_PORT));
                awaitPortOpen(DEFAULT_PORT);
                await("both TCP clients reconnected", WAIT, () -> subscriber.state() == ClientState.CONNECTED
                        && publisher.state() == ClientState.CONNECTED);
                // The subscriber subscribes again as it reconnects; publish until that has happened.
                Delivery back = null;
                for (int i = 0; back == null && i < 300; i++) {
                    try {
                        publisher.publish("tcp.back", utf8("back")).get(30, SECONDS);
                    } catch (ExecutionException e) {
                        // still reconnecting: try again
                    }
                    back = got.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                assertNotNull("the reconnected subscriber gets messages again", back);
            } finally {
                RecordingListener.closeQuietly(subscriber);
                RecordingListener.closeQuietly(publisher);
            }
            load.awaitProgress(BYSTANDERS);
            load.stopAndAssertNothingLost();
            core.assertUntouched();
        }
    }

    // ---------------------------------------------------------------- support

    /**
     * Swaps a feature as an operator would; {@code whileAway} runs between uninstall and install
     * (a reinstall leaves the feature away long enough to look at the node without it).
     */
    private void swap(String feature, String bundleName, Swap swap, ThrowingRunnable whileAway) throws Exception {
        // bundle:refresh returns before the framework has refreshed anything: wait for the start.
        CountDownLatch started = new CountDownLatch(1);
        SynchronousBundleListener listener = event -> {
            if (event.getType() == BundleEvent.STARTED && bundleName.equals(event.getBundle().getSymbolicName())) {
                started.countDown();
            }
        };
        bundleContext.addBundleListener(listener);
        try {
            runSwap(feature, bundleName, swap, whileAway);
            assertTrue(bundleName + " started again", started.await(WAIT.toSeconds(), SECONDS));
        } finally {
            bundleContext.removeBundleListener(listener);
        }
    }

    private void runSwap(String feature, String bundleName, Swap swap, ThrowingRunnable whileAway) throws Exception {
        switch (swap) {
            case REINSTALL -> {
                executeCommand("feature:uninstall " + feature);
                try {
                    whileAway.run();
                } finally {
                    executeCommand("feature:install " + feature);
                }
            }
            case UPDATE -> executeCommand("bundle:update " + bundleId(bundleName));
            case REFRESH -> executeCommand("bundle:refresh " + bundleId(bundleName));
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private long bundleId(String symbolicName) {
        Bundle b = bundle(symbolicName);
        assertNotNull(symbolicName + " installed", b);
        return b.getBundleId();
    }

    private CoreWatch watchCore() {
        return new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
    }

    private AldisClient reconnecting() throws Exception {
        return AldisClient.builder()
                .address("127.0.0.1", DEFAULT_PORT)
                .credentials(USER, PASSWORD.toCharArray())
                .mechanism("SCRAM-SHA-256")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(500), 200))
                .build().connect().get(30, SECONDS);
    }

    /** Waits until a new session can log in (the authentication feature is up). */
    private void awaitLogin() {
        Throwable[] last = new Throwable[1];
        try {
            await("a new login succeeds", WAIT, () -> {
                try {
                    RecordingListener.closeQuietly(RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, null));
                    return true;
                } catch (Exception e) {
                    last[0] = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last attempt failed with " + last[0], last[0]);
        }
    }

    private static Delivery next(BlockingQueue<Delivery> queue) throws InterruptedException {
        Delivery d = queue.poll(30, SECONDS);
        assertNotNull("a delivery within 30 s", d);
        return d;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Records capability changes and disconnects of a client. */
    private static final class Changes extends RecordingListener {
        final BlockingQueue<SessionInfo> changes = new LinkedBlockingQueue<>();

        @Override
        public void capabilitiesChanged(SessionInfo session) {
            changes.add(session);
        }

        /** Waits for the change that offers the capability or takes it away; earlier changes are skipped. */
        void await(Capability capability, boolean offered) throws InterruptedException {
            while (true) {
                SessionInfo change = changes.poll(30, SECONDS);
                assertNotNull("a capability change " + (offered ? "offering " : "taking away ") + capability, change);
                if (change.has(capability) == offered) {
                    return;
                }
            }
        }
    }
}
