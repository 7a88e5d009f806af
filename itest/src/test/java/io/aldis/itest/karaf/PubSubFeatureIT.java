package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.Delivery;
import io.aldis.client.Subscription;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Publish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Typed messages and publish/subscribe in the distribution: a handler bundle that comes and goes,
 * delivery between two clients, and the aldis-pubsub feature removed and installed again under
 * subscribed sessions.
 *
 * <p>The test never loads a class of io.aldis.feature.pubsub.api itself (the handler bundle is built from
 * class files copied by name): otherwise uninstalling the feature would refresh the test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PubSubFeatureIT extends AldisKarafTestSupport {

    private static final String USER = "pubsubuser";
    private static final String PASSWORD = "pubsub-Pa55word";
    private static final String PUBSUB_BUNDLE = "io.aldis.feature.pubsub";
    private static final String ECHO_ACTIVATOR = "io.aldis.itest.karaf.EchoHandlerActivator";

    private static final String ADMIN = "pubsubadmin";
    private static boolean userAdded;
    private static boolean adminAdded;

    /** One test uninstalls aldis-rpc, so Jackson must not come only with it. */
    @Override
    protected Option[] extraOptions() {
        return jacksonOutsideTheFeatures();
    }

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitPubSubServing();
        synchronized (PubSubFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    @Test
    public void typedMessageIsAnsweredByTheHandlerBundleWhileItRuns() throws Exception {
        Bundle echo = TestBundles.install(bundleContext, "io.aldis.itest.echo", ECHO_ACTIVATOR,
                "io.aldis.feature.pubsub.api,org.osgi.framework", List.of(ECHO_ACTIVATOR));
        AldisClient client = null;
        try {
            echo.start();
            client = connect(null);

            assertEquals("echo:hello", client.send("echo", utf8("hello")).get(30, SECONDS).text());

            // Stopping the bundle withdraws the type at once: no wait before the next message.
            echo.stop();
            AldisException gone = failureOf(client.send("echo", utf8("anyone?")));
            assertEquals("no handler once the bundle stopped: " + gone, ErrorCode.NO_HANDLER, gone.code());

            echo.start();
            assertEquals("echo:back", client.send("echo", utf8("back")).get(30, SECONDS).text());
            assertEquals("the session lived through it", ClientState.CONNECTED, client.state());
        } finally {
            RecordingListener.closeQuietly(client);
            TestBundles.uninstallQuietly(echo);
        }
    }

    @Test
    public void publishedMessageReachesAWildcardSubscriberOfAnotherClient() throws Exception {
        AldisClient subscriber = null;
        AldisClient publisher = null;
        try {
            subscriber = connect(null);
            publisher = connect(null);
            BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
            Subscription subscription = subscriber.subscribe("demo.>", received::add);
            subscription.ready().get(30, SECONDS);

            publisher.publish("demo.kitchen.temp", utf8("21.5")).get(30, SECONDS);

            Delivery delivery = received.poll(30, SECONDS);
            assertNotNull("the subscriber got the message", delivery);
            assertEquals("demo.kitchen.temp", delivery.subject());
            assertEquals("21.5", delivery.text());
            assertEquals(subscription.id(), delivery.subscriptionId());
        } finally {
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
        }
    }

    @Test
    public void uninstallingTheFeatureKeepsSessionsAndReinstallingItRestoresTheirSubscriptions() throws Exception {
        RecordingListener subscriberEvents = new RecordingListener();
        RecordingListener publisherEvents = new RecordingListener();
        AldisClient subscriber = null;
        AldisClient publisher = null;
        boolean uninstalled = false;
        CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
        try {
            subscriber = connect(subscriberEvents);
            publisher = connect(publisherEvents);
            UUID subscriberSession = subscriber.session().sessionId();
            UUID publisherSession = publisher.session().sessionId();

            BlockingQueue<Delivery> before = new LinkedBlockingQueue<>();
            subscriber.subscribe("demo.>", before::add).ready().get(30, SECONDS);
            publisher.publish("demo.before", utf8("before")).get(30, SECONDS);
            Delivery first = before.poll(30, SECONDS);
            assertNotNull("delivered before the uninstall", first);
            assertEquals("before", first.text());

            executeCommand("feature:uninstall aldis-pubsub");
            uninstalled = true;
            assertNull("the pubsub bundle is gone", bundle(PUBSUB_BUNDLE));
            assertFalse("no handler announces pubsub any more", capabilityServed("pubsub"));

            // Both sessions survive: connected, same sessions, still answering PING.
            for (AldisClient client : List.of(subscriber, publisher)) {
                assertEquals(ClientState.CONNECTED, client.state());
                assertPongReceived(client);
            }
            assertEquals(subscriberSession, subscriber.session().sessionId());
            assertEquals(publisherSession, publisher.session().sessionId());

            // The node told both sessions that pub/sub is gone (CAPABILITY_CHANGE): the client
            // refuses a publish itself.
            AldisClient told = publisher;
            await("the publisher told pub/sub is gone", WAIT, () -> !told.session().has(Capability.PUBSUB));
            AldisException refused = failureOf(publisher.publish("demo.during", utf8("during")));
            assertEquals(refused.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, refused.code());
            // A PUBLISH frame sent anyway has no request id: the node answers with a connection-level ERROR.
            publisher.send(new Publish("demo.during", "", java.util.Map.of(), utf8("during"))).get(30, SECONDS);
            ErrorFrame error = publisherEvents.errors.poll(30, SECONDS);
            assertNotNull("the publisher is told its PUBLISH found no feature", error);
            assertEquals(error.toString(), ErrorCode.CAPABILITY_UNAVAILABLE.code(), error.code());
            assertEquals(ClientState.CONNECTED, publisher.state());

            // A new session is no longer offered pub/sub or typed messages; RPC is still there.
            AldisClient fresh = connect(null);
            try {
                assertFalse(fresh.session().capabilities().toString(), fresh.session().has(Capability.PUBSUB));
                assertFalse(fresh.session().capabilities().toString(), fresh.session().has(Capability.MESSAGES));
                assertTrue(fresh.session().capabilities().toString(), fresh.session().has(Capability.RPC));
            } finally {
                RecordingListener.closeQuietly(fresh);
            }

            // The core was neither refreshed nor restarted.
            core.assertUntouched();

            executeCommand("feature:install aldis-pubsub");
            uninstalled = false;
            awaitPubSubServing();
            await("the publisher told pub/sub is back", WAIT, () -> told.session().has(Capability.PUBSUB));
            AldisClient afterReinstall = connect(null);
            try {
                assertTrue(afterReinstall.session().capabilities().toString(),
                        afterReinstall.session().has(Capability.PUBSUB));
            } finally {
                RecordingListener.closeQuietly(afterReinstall);
            }

            // The node kept the subscription while the feature was away and set it up again when
            // the feature came back: the subscriber gets the new messages without subscribing again.
            publisher.publish("demo.after", utf8("after-1")).get(30, SECONDS);
            publisher.publish("demo.after", utf8("after-2")).get(30, SECONDS);
            Delivery one = before.poll(30, SECONDS);
            Delivery two = before.poll(30, SECONDS);
            assertNotNull("first message after the reinstall delivered", one);
            assertNotNull("second message after the reinstall delivered", two);
            assertEquals("after-1", one.text());
            assertEquals("after-2", two.text());
            assertEquals("nothing else reached the subscription", List.of(), texts(before));

            assertEquals("no connection-level errors for the subscriber", List.of(),
                    new ArrayList<>(subscriberEvents.errors));
            assertEquals("no further errors for the publisher", List.of(), new ArrayList<>(publisherEvents.errors));
            assertEquals("subscriber never disconnected", List.of(), subscriberEvents.disconnects);
            assertEquals("publisher never disconnected", List.of(), publisherEvents.disconnects);
            assertEquals(subscriberSession, subscriber.session().sessionId());
            assertEquals(publisherSession, publisher.session().sessionId());

            core.assertUntouched();
        } finally {
            core.close();
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
            if (uninstalled) {
                executeCommand("feature:install aldis-pubsub");
            }
        }
    }

    /**
     * SUBSCRIBE and MESSAGE carry an id that the node's ERROR repeats: once the feature is gone, an
     * open session's subscription and typed message fail at once instead of waiting.
     */
    @Test
    public void requestsOfAnOpenSessionFailUnderTheirOwnIdOnceTheFeatureIsGone() throws Exception {
        RecordingListener events = new RecordingListener();
        AldisClient client = connect(events);
        boolean uninstalled = false;
        try {
            executeCommand("feature:uninstall aldis-pubsub");
            uninstalled = true;

            AldisException subscribe = failureOf(client.subscribe("demo.>", d -> { }).ready());
            assertEquals(subscribe.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, subscribe.code());
            AldisException message = failureOf(client.send("echo", utf8("anyone?")));
            assertEquals(message.toString(), ErrorCode.CAPABILITY_UNAVAILABLE, message.code());
            assertEquals(ClientState.CONNECTED, client.state());
        } finally {
            RecordingListener.closeQuietly(client);
            if (uninstalled) {
                executeCommand("feature:install aldis-pubsub");
            }
        }
    }

    /**
     * An admin subscribed to {@code $sys} sees a handler service come and go, and the RPC feature
     * go and come back, as the node's capabilities change.
     */
    @Test
    public void servicesAndFeaturesComingAndGoingAreAnnouncedOnSys() throws Exception {
        synchronized (PubSubFeatureIT.class) {
            if (!adminAdded) {
                executeCommand("aldis:user-add -r admin -p " + PASSWORD + " " + ADMIN);
                adminAdded = true;
            }
        }
        Bundle echo = TestBundles.install(bundleContext, "io.aldis.itest.echo.sys", ECHO_ACTIVATOR,
                "io.aldis.feature.pubsub.api,org.osgi.framework", List.of(ECHO_ACTIVATOR));
        AldisClient admin = null;
        boolean uninstalled = false;
        try {
            admin = RecordingListener.connect(DEFAULT_PORT, ADMIN, PASSWORD, null);
            BlockingQueue<Delivery> events = new LinkedBlockingQueue<>();
            admin.subscribe("$sys.service.*", events::add).ready().get(30, SECONDS);
            admin.subscribe("$sys.feature.*", events::add).ready().get(30, SECONDS);

            echo.start();
            String registered = awaitEvent(events, "$sys.service.registered", "\"aldis.message.type\":\"echo\"");
            assertTrue(registered, registered.contains("\"bundle\":\"io.aldis.itest.echo.sys/"));
            echo.stop();
            awaitEvent(events, "$sys.service.unregistered", "\"aldis.message.type\":\"echo\"");

            executeCommand("feature:uninstall aldis-rpc");
            uninstalled = true;
            String removed = awaitEvent(events, "$sys.feature.removed", "\"capability\":\"rpc\"");
            assertTrue(removed, removed.contains("\"bundle\":\"io.aldis.feature.rpc/"));
            executeCommand("feature:install aldis-rpc");
            uninstalled = false;
            awaitEvent(events, "$sys.feature.added", "\"capability\":\"rpc\"");
            assertEquals(ClientState.CONNECTED, admin.state());
        } finally {
            RecordingListener.closeQuietly(admin);
            TestBundles.uninstallQuietly(echo);
            if (uninstalled) {
                executeCommand("feature:install aldis-rpc");
            }
        }
    }

    /** The payload of the first event on {@code subject} whose payload contains {@code text}. */
    private static String awaitEvent(BlockingQueue<Delivery> events, String subject, String text)
            throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            Delivery d = events.poll(1, SECONDS);
            if (d == null) {
                continue;
            }
            if (d.subject().equals(subject) && d.text().contains(text)) {
                return d.text();
            }
            seen.add(d.subject() + " " + d.text());
        }
        fail("no " + subject + " event containing " + text + "; seen: " + seen);
        return null;
    }

    // ---------------------------------------------------------------- support

    private AldisClient connect(RecordingListener listener) throws Exception {
        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, listener);
    }

    /** Waits until the pub/sub feature's bundle is active and its frame handler registered. */
    private void awaitPubSubServing() {
        await(PUBSUB_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(PUBSUB_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for pubsub", WAIT, () -> capabilityServed("pubsub"));
    }

    private static void assertPongReceived(AldisClient client) throws Exception {
        long pongs = client.stats().pongsReceived();
        client.send(new Ping(System.nanoTime())).get(30, SECONDS);
        await("PONG from the node", WAIT, () -> client.stats().pongsReceived() > pongs);
    }

    private static List<String> texts(BlockingQueue<Delivery> deliveries) {
        List<String> texts = new ArrayList<>();
        deliveries.forEach(d -> texts.add(d.subject() + " " + d.text()));
        return texts;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
