package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.aldis.client.AldisClient;
import io.aldis.client.ClientState;
import io.aldis.client.Delivery;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.JdkWsFrameTransport;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The WebSocket transport in the distribution is a feature like any other: removing
 * aldis-transport-ws while TCP and WebSocket sessions are open closes only the WebSocket ones,
 * and TCP sessions keep exchanging messages through it without a loss; installing it again brings
 * the listener back, and a new WebSocket session exchanges messages with a TCP session.
 *
 * <p>The WebSocket session is the JDK's own client speaking bare frames ({@link FrameClient} over
 * {@link JdkWsFrameTransport}), so the test never wires to the transport's bundles or to Netty's
 * HTTP codec that the feature removes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportWsFeatureIT extends AldisKarafTestSupport {

    /** The port of the default WebSocket listener that the aldis-transport-ws feature configures. */
    private static final int WS_PORT = 7441;
    private static final String WS_PATH = "/aldis";
    private static final String WS_BUNDLE = "io.aldis.transport.ws";
    private static final String PUBSUB_BUNDLE = "io.aldis.feature.pubsub";
    private static final String USER = "wsuser";
    private static final String PASSWORD = "ws-Pa55word";

    private static boolean userAdded;

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitListener(WS_PORT);
        await(PUBSUB_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(PUBSUB_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for pubsub", WAIT, () -> serviceWith("(aldis.capability=pubsub)"));
        synchronized (TransportWsFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    @Test
    public void webSocketSessionsAndTcpSessionsExchangeMessages() throws Exception {
        RecordingListener tcpEvents = new RecordingListener();
        AldisClient tcp = null;
        try (FrameClient ws = openWebSocket(WS_PORT, WS_PATH)) {
            assertEquals("aldis.v1", webSocketOf(ws).subprotocol());
            tcp = connect(tcpEvents);
            ws.login(USER, PASSWORD, WEB_SOCKET_CAPABILITIES);
            UUID wsSession = ws.sessionId();
            String row = sessionRow(wsSession);
            assertNotNull("session-list shows the WebSocket session " + wsSession, row);
            List<String> cells = ShellTables.cells(row);
            assertTrue("the session's user, and the transport and listener ws/default:\n" + row,
                    cells.contains(USER) && cells.contains("ws/default"));

            assertCrossTransportDelivery(ws, tcp, "steady");
            assertEquals(List.of(), tcpEvents.disconnects);
        } finally {
            RecordingListener.closeQuietly(tcp);
        }
    }

    @Test
    public void uninstallingTheFeatureClosesOnlyWebSocketSessionsAndReinstallingItRestoresThem() throws Exception {
        RecordingListener subscriberEvents = new RecordingListener();
        RecordingListener publisherEvents = new RecordingListener();
        AldisClient subscriber = null;
        AldisClient publisher = null;
        FrameClient ws = null;
        FrameClient wsAgain = null;
        Thread publishing = null;
        AtomicBoolean stop = new AtomicBoolean();
        boolean uninstalled = false;
        try {
            subscriber = connect(subscriberEvents);
            publisher = connect(publisherEvents);
            UUID subscriberSession = subscriber.session().sessionId();
            UUID publisherSession = publisher.session().sessionId();

            // A WebSocket session that follows the same traffic as the TCP clients.
            ws = openWebSocket(WS_PORT, WS_PATH);
            ws.login(USER, PASSWORD, WEB_SOCKET_CAPABILITIES);
            UUID wsSession = ws.sessionId();
            ws.send(new Subscribe(1, "wsload.>", "", ""));
            assertEquals(1, ws.<Ack>await(FrameType.ACK).requestId());
            assertNotNull("session-list shows the WebSocket session", sessionRow(wsSession));

            // One TCP client publishes numbered messages; both TCP clients are subscribed and
            // collect them. The publishing thread also checks both clients' state at every step,
            // so a blip would show.
            List<Integer> received = Collections.synchronizedList(new ArrayList<>());
            List<Integer> receivedByPublisher = Collections.synchronizedList(new ArrayList<>());
            subscriber.subscribe("wsload.>", d -> received.add(Integer.parseInt(d.text()))).ready().get(30, SECONDS);
            publisher.subscribe("wsload.>", d -> receivedByPublisher.add(Integer.parseInt(d.text())))
                    .ready().get(30, SECONDS);
            AtomicInteger published = new AtomicInteger();
            AtomicReference<Throwable> publishFailure = new AtomicReference<>();
            List<String> stateChanges = Collections.synchronizedList(new ArrayList<>());
            AldisClient pub = publisher;
            AldisClient sub = subscriber;
            publishing = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        int next = published.get() + 1;
                        pub.publish("wsload.n", Integer.toString(next).getBytes(StandardCharsets.UTF_8))
                                .get(30, SECONDS);
                        published.set(next);
                        for (AldisClient c : List.of(pub, sub)) {
                            ClientState state = c.state();
                            if (state != ClientState.CONNECTED) {
                                stateChanges.add((c == pub ? "publisher " : "subscriber ") + state
                                        + " after message " + next);
                            }
                        }
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    publishFailure.set(t);
                }
            }, "itest-publisher");
            publishing.start();
            await("deliveries flowing", WAIT, () -> received.size() >= 50);
            Deliver seenOverWs = ws.await(FrameType.DELIVER);
            assertEquals("the WebSocket session follows the traffic too", "wsload.n", seenOverWs.subject());

            int deliveredBeforeUninstall = received.size();
            executeCommand("feature:uninstall aldis-transport-ws");
            uninstalled = true;
            int publishedAfterUninstall = published.get();

            // The listener is gone, and with it the WebSocket session, told by a 1001 close.
            awaitPortClosed(WS_PORT);
            assertNull("the transport bundle is gone", bundle(WS_BUNDLE));
            assertFalse("no WebSocket listener service left", serviceWith("(aldis.transport=ws)"));
            JdkWsFrameTransport.CloseInfo close = webSocketOf(ws).closed.get(60, SECONDS);
            assertEquals("the WebSocket was closed as the endpoint going away: " + close, 1001, close.status());
            await("the WebSocket session gone from session-list", WAIT, () -> sessionRow(wsSession) == null);
            String listeners = executeCommand("aldis:listener-list");
            assertNotContains(listeners, Integer.toString(WS_PORT));
            assertTrue("the TCP listener is still listed:\n" + listeners,
                    listeners.contains(Integer.toString(DEFAULT_PORT)));

            // The TCP sessions saw nothing of it: messages keep arriving.
            int target = publishedAfterUninstall + 50;
            await("deliveries after the uninstall", WAIT, () -> received.size() >= target);
            for (AldisClient c : List.of(subscriber, publisher)) {
                assertEquals(ClientState.CONNECTED, c.state());
            }

            executeCommand("feature:install aldis-transport-ws");
            uninstalled = false;
            awaitPortOpen(WS_PORT);
            await(WS_BUNDLE + " active", WAIT, () -> {
                Bundle b = bundle(WS_BUNDLE);
                return b != null && b.getState() == Bundle.ACTIVE;
            });
            String listenersAgain = executeCommand("aldis:listener-list");
            String wsRow = listenersAgain.lines()
                    .filter(line -> ShellTables.cells(line).containsAll(List.of("ws", Integer.toString(WS_PORT))))
                    .findFirst().orElse(null);
            assertNotNull("listener-list shows the WebSocket listener again:\n" + listenersAgain, wsRow);
            assertTrue(wsRow, ShellTables.cells(wsRow).contains("default"));

            // A new WebSocket session logs in and exchanges messages with the TCP sessions.
            wsAgain = openWebSocket(WS_PORT, WS_PATH);
            wsAgain.login(USER, PASSWORD, WEB_SOCKET_CAPABILITIES);
            ConnectAck again = wsAgain.connectAck();
            assertFalse("a new session", wsSession.equals(again.sessionId()));
            assertCrossTransportDelivery(wsAgain, subscriber, "after-reinstall");

            int publishedAfterReinstall = published.get();
            await("deliveries after the reinstall", WAIT, () -> received.size() >= publishedAfterReinstall + 50);
            stop.set(true);
            publishing.join(SECONDS.toMillis(30));
            assertFalse("publisher stopped", publishing.isAlive());
            assertNull("every publish was written", publishFailure.get());
            int total = published.get();
            await("all " + total + " messages delivered", WAIT,
                    () -> received.size() >= total && receivedByPublisher.size() >= total);

            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add(i);
            }
            assertEquals("each message delivered once, in order (" + deliveredBeforeUninstall
                    + " before the uninstall, " + publishedAfterUninstall + " published when it returned, "
                    + total + " in all)", expected, copy(received));
            assertEquals("the publisher's own subscription got each message once, in order", expected,
                    copy(receivedByPublisher));
            assertEquals("the TCP clients never left CONNECTED", List.of(), copy(stateChanges));
            assertEquals(List.of(), new ArrayList<>(subscriberEvents.errors));
            assertEquals(List.of(), new ArrayList<>(publisherEvents.errors));
            assertEquals("subscriber never disconnected", List.of(), subscriberEvents.disconnects);
            assertEquals("publisher never disconnected", List.of(), publisherEvents.disconnects);
            assertEquals(subscriberSession, subscriber.session().sessionId());
            assertEquals(publisherSession, publisher.session().sessionId());
        } finally {
            stop.set(true);
            if (publishing != null) {
                publishing.join(SECONDS.toMillis(30));
            }
            if (ws != null) {
                ws.close();
            }
            if (wsAgain != null) {
                wsAgain.close();
            }
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
            if (uninstalled) {
                executeCommand("feature:install aldis-transport-ws");
            }
        }
        awaitPortOpen(WS_PORT);
    }

    // ---------------------------------------------------------------- support

    /**
     * Both directions between a logged-in WebSocket session and a TCP client: the WebSocket
     * subscribes and the TCP client publishes, then the other way round.
     */
    private static void assertCrossTransportDelivery(FrameClient ws, AldisClient tcp, String tag) throws Exception {
        String toWs = "cross." + tag + ".to-ws";
        String toTcp = "cross." + tag + ".to-tcp";
        ws.send(new Subscribe(42, toWs, "", ""));
        assertEquals(42, ws.<Ack>await(FrameType.ACK).requestId());
        tcp.publish(toWs, utf8("hello ws " + tag)).get(30, SECONDS);
        Deliver atWs = ws.await(FrameType.DELIVER);
        assertEquals(42, atWs.subscriptionId());
        assertEquals(toWs, atWs.subject());
        assertEquals("hello ws " + tag, new String(atWs.payload(), StandardCharsets.UTF_8));

        BlockingQueue<Delivery> atTcp = new LinkedBlockingQueue<>();
        tcp.subscribe(toTcp, atTcp::add).ready().get(30, SECONDS);
        ws.send(new Publish(toTcp, "", Map.of("from", "ws"), utf8("hello tcp " + tag)));
        Delivery delivery = atTcp.poll(30, SECONDS);
        assertNotNull("the TCP client got the WebSocket session's message", delivery);
        assertEquals(toTcp, delivery.subject());
        assertEquals("hello tcp " + tag, delivery.text());
        assertEquals("ws", delivery.headers().get("from"));
    }

    private AldisClient connect(RecordingListener listener) throws Exception {
        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, listener);
    }

    /** The session-list row of the session, or null when it is not listed. */
    private String sessionRow(UUID session) {
        String id = session.toString();
        return executeCommand("aldis:session-list").lines().filter(line -> line.contains(id)).findFirst().orElse(null);
    }

    /** Whether a service matching the filter is registered, looked up without loading its class. */
    private boolean serviceWith(String filter) {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null, filter);
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <T> List<T> copy(List<T> synchronizedList) {
        synchronized (synchronizedList) {
            return new ArrayList<>(synchronizedList);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
