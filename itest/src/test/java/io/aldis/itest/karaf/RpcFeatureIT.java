package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.CallOptions;
import io.aldis.client.ClientState;
import io.aldis.client.Subscription;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Typed RPC in the distribution: an OSGi service of a bundle that knows nothing about Aldis is
 * callable, stopping that bundle fails the calls in flight and withdraws the methods, and the
 * aldis-rpc feature is removed and installed again while other sessions publish and subscribe.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RpcFeatureIT extends AldisKarafTestSupport {

    private static final String USER = "rpcuser";
    private static final String PASSWORD = "rpc-Pa55word";
    private static final String RPC_BUNDLE = "io.aldis.feature.rpc";
    private static final String CALC_ACTIVATOR = "io.aldis.itest.karaf.CalcActivator";
    private static final String CALC_INTERFACE = "io.aldis.itest.karaf.Calc";
    private static final int WS_PORT = 7441;
    private static final String WS_PATH = "/aldis";

    private static boolean userAdded;

    /** Uninstalls aldis-rpc, so Jackson must not come only with it. */
    @Override
    protected Option[] extraOptions() {
        return jacksonOutsideTheFeatures();
    }

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitRpcServing();
        synchronized (RpcFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    @Test
    public void stoppingTheServiceBundleFailsTheCallInFlightAndWithdrawsTheMethods() throws Exception {
        Bundle calc = installCalc();
        RecordingListener events = new RecordingListener();
        AldisClient client = null;
        CountDownLatch release = null;
        try {
            calc.start();
            client = connect(events);
            assertEquals(Integer.valueOf(5), client.call("calc.add", new Object[] {2, 3}, Integer.class)
                    .get(30, SECONDS));

            CountDownLatch entered = latch("entered");
            release = latch("release");
            CompletableFuture<String> slow = client.call("calc.slow", null, String.class);
            assertTrue("calc.slow started running", entered.await(30, SECONDS));

            calc.stop();
            // The method is still blocked: the answer can only come from the node noticing the
            // service went away. Waiting longer than the client's call timeout would show a hang
            // as DEADLINE_EXCEEDED instead of a timeout here.
            AldisException inFlight = failureOf(slow);
            assertEquals("the call in flight fails with a clear code: " + inFlight,
                    ErrorCode.PROVIDER_GONE, inFlight.code());
            release.countDown();

            AldisException missing = failureOf(client.call("calc.add", new Object[] {1, 1}, Integer.class));
            assertEquals("new calls find no method: " + missing, ErrorCode.METHOD_NOT_FOUND, missing.code());

            calc.start();
            assertEquals(Integer.valueOf(9), client.call("calc.add", new Object[] {4, 5}, Integer.class)
                    .get(30, SECONDS));
            assertEquals(ClientState.CONNECTED, client.state());
            assertEquals("no disconnect", List.of(), events.disconnects);
        } finally {
            if (release != null) {
                release.countDown();
            }
            RecordingListener.closeQuietly(client);
            TestBundles.uninstallQuietly(calc);
        }
    }

    /**
     * docs/protocol.md 4.8 through the handler the distribution registers: a call in flight when
     * the caller sends CLOSE is answered before CLOSE_ACK. A component that does not pass the
     * session's close on to the engine answers CLOSE_ACK at once, and the call's answer never comes.
     */
    @Test
    public void aCallInFlightIsAnsweredBeforeCloseAck() throws Exception {
        Bundle calc = installCalc();
        CountDownLatch release = null;
        try (FrameClient link = openWebSocket(WS_PORT, WS_PATH)) {
            calc.start();
            link.login(USER, PASSWORD, Capability.RPC.mask());
            CountDownLatch entered = latch("entered");
            release = latch("release");
            link.send(new RpcRequest(7, 0, "calc.slow", "[]".getBytes(StandardCharsets.UTF_8)));
            assertTrue("calc.slow started running", entered.await(30, SECONDS));
            link.send(new Close(0, "done"));
            // A CLOSE_ACK that does not wait for the call goes out now, before the release below.
            release.countDown();
            Frame answer = link.read();
            assertEquals("the call's answer comes first: " + answer, FrameType.RPC_RESPONSE, answer.type());
            assertEquals(7, ((RpcResponse) answer).callId());
            assertEquals(FrameType.CLOSE_ACK, link.read().type());
        } finally {
            if (release != null) {
                release.countDown();
            }
            TestBundles.uninstallQuietly(calc);
        }
    }

    @Test
    public void uninstallingTheFeatureLeavesPubSubUndisturbedAndReinstallingRestoresCalls() throws Exception {
        Bundle calc = installCalc();
        RecordingListener callerEvents = new RecordingListener();
        RecordingListener subscriberEvents = new RecordingListener();
        RecordingListener publisherEvents = new RecordingListener();
        AldisClient caller = null;
        AldisClient subscriber = null;
        AldisClient publisher = null;
        Thread publishing = null;
        AtomicBoolean stop = new AtomicBoolean();
        boolean uninstalled = false;
        try {
            calc.start();
            caller = connect(callerEvents);
            subscriber = connect(subscriberEvents);
            publisher = connect(publisherEvents);
            UUID subscriberSession = subscriber.session().sessionId();
            UUID publisherSession = publisher.session().sessionId();
            assertEquals(Integer.valueOf(5), caller.call("calc.add", new Object[] {2, 3}, Integer.class)
                    .get(30, SECONDS));

            // One client keeps publishing numbered messages, another collects them.
            List<Integer> received = Collections.synchronizedList(new ArrayList<>());
            Subscription subscription = subscriber.subscribe("load.>",
                    d -> received.add(Integer.parseInt(d.text())));
            subscription.ready().get(30, SECONDS);
            AtomicInteger published = new AtomicInteger();
            AtomicReference<Throwable> publishFailure = new AtomicReference<>();
            AldisClient pub = publisher;
            publishing = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        int next = published.get() + 1;
                        pub.publish("load.n", Integer.toString(next).getBytes(StandardCharsets.UTF_8))
                                .get(30, SECONDS);
                        published.set(next);
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    publishFailure.set(t);
                }
            }, "itest-publisher");
            publishing.start();
            await("deliveries flowing", WAIT, () -> received.size() >= 50);

            int deliveredBeforeUninstall = received.size();
            executeCommand("feature:uninstall aldis-rpc");
            uninstalled = true;
            assertNull("the rpc bundle is gone", bundle(RPC_BUNDLE));
            assertFalse("no handler announces rpc any more", capabilityServed("rpc"));
            int publishedAfterUninstall = published.get();

            // An RPC_REQUEST of a session that was told RPC at connect time is answered with
            // ERROR CAPABILITY_UNAVAILABLE under its call id, and the session stays.
            long callId = caller.nextRequestId();
            AldisException refused = failureOf(caller.request(callId,
                    new RpcRequest(callId, 0, "calc.add", "[2,3]".getBytes(StandardCharsets.UTF_8))));
            assertEquals(refused.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
            assertEquals(ClientState.CONNECTED, caller.state());

            // New sessions are not offered RPC, and their calls fail at once in the client.
            AldisClient fresh = connect(null);
            try {
                assertFalse(fresh.session().capabilities().toString(), fresh.session().has(Capability.RPC));
                assertTrue(fresh.session().capabilities().toString(), fresh.session().has(Capability.PUBSUB));
                AldisException unavailable = failureOf(fresh.call("calc.add", new Object[] {2, 3}, Integer.class));
                assertEquals(unavailable.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, unavailable.code());
            } finally {
                RecordingListener.closeQuietly(fresh);
            }

            // Messages kept flowing while the feature was gone.
            int target = publishedAfterUninstall + 50;
            await("deliveries after the uninstall", WAIT, () -> received.size() >= target);

            executeCommand("feature:install aldis-rpc");
            uninstalled = false;
            awaitRpcServing();
            AldisClient told = caller;
            await("the caller told RPC is back", WAIT, () -> told.session().has(Capability.RPC));
            assertEquals("the session that lived through it calls again", Integer.valueOf(5),
                    caller.call("calc.add", new Object[] {2, 3}, Integer.class).get(30, SECONDS));
            AldisClient again = connect(null);
            try {
                assertTrue(again.session().capabilities().toString(), again.session().has(Capability.RPC));
                assertEquals(Integer.valueOf(7), again.call("calc.add", new Object[] {3, 4}, Integer.class)
                        .get(30, SECONDS));
            } finally {
                RecordingListener.closeQuietly(again);
            }

            int publishedAfterReinstall = published.get();
            await("deliveries after the reinstall", WAIT, () -> received.size() >= publishedAfterReinstall + 50);
            stop.set(true);
            publishing.join(SECONDS.toMillis(30));
            assertFalse("publisher stopped", publishing.isAlive());
            assertNull("every publish was written", publishFailure.get());
            int total = published.get();
            await("all " + total + " messages delivered", WAIT, () -> received.size() >= total);

            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add(i);
            }
            assertEquals("each message delivered once, in order (" + deliveredBeforeUninstall
                    + " before the uninstall, " + total + " in all)", expected, copy(received));
            assertEquals(List.of(), new ArrayList<>(subscriberEvents.errors));
            assertEquals(List.of(), new ArrayList<>(publisherEvents.errors));
            assertEquals(List.of(), subscriberEvents.disconnects);
            assertEquals(List.of(), publisherEvents.disconnects);
            assertEquals(List.of(), callerEvents.disconnects);
            assertEquals(subscriberSession, subscriber.session().sessionId());
            assertEquals(publisherSession, publisher.session().sessionId());
        } finally {
            stop.set(true);
            if (publishing != null) {
                publishing.join(SECONDS.toMillis(30));
            }
            RecordingListener.closeQuietly(caller);
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
            TestBundles.uninstallQuietly(calc);
            if (uninstalled) {
                executeCommand("feature:install aldis-rpc");
            }
        }
    }

    /**
     * A call of a session that was offered RPC at connect time, made after the feature went away,
     * should fail at once with CAPABILITY_UNAVAILABLE rather than wait for its deadline.
     */
    @Test
    public void callOfAnOpenSessionFailsUnderItsCallIdOnceTheFeatureIsGone() throws Exception {
        AldisClient client = connect(new RecordingListener());
        boolean uninstalled = false;
        try {
            executeCommand("feature:uninstall aldis-rpc");
            uninstalled = true;
            AldisException refused = failureOf(client.call("calc.add", new Object[] {2, 3}, Integer.class,
                    CallOptions.timeout(Duration.ofSeconds(20))));
            assertEquals(refused.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
            assertEquals(ClientState.CONNECTED, client.state());
        } finally {
            RecordingListener.closeQuietly(client);
            if (uninstalled) {
                executeCommand("feature:install aldis-rpc");
            }
        }
    }

    // ---------------------------------------------------------------- support

    private static List<Integer> copy(List<Integer> synchronizedList) {
        synchronized (synchronizedList) {
            return new ArrayList<>(synchronizedList);
        }
    }

    /** The service bundle: imports nothing of Aldis, only the OSGi framework. */
    private Bundle installCalc() throws Exception {
        return TestBundles.install(bundleContext, "io.aldis.itest.calc", CALC_ACTIVATOR, "org.osgi.framework",
                List.of(CALC_ACTIVATOR, CALC_INTERFACE));
    }

    /** A latch the running service bundle registered (plain JDK objects cross the class spaces). */
    private CountDownLatch latch(String name) throws InvalidSyntaxException {
        Collection<ServiceReference<CountDownLatch>> refs = bundleContext.getServiceReferences(CountDownLatch.class,
                "(" + CalcActivator.LATCH_PROPERTY + "=" + name + ")");
        assertEquals("one latch " + name, 1, refs.size());
        return bundleContext.getService(refs.iterator().next());
    }

    private AldisClient connect(RecordingListener listener) throws Exception {
        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, listener);
    }

    private void awaitRpcServing() {
        await(RPC_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(RPC_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for rpc", WAIT, () -> capabilityServed("rpc"));
    }
}
