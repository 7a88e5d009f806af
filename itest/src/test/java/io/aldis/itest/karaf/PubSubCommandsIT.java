package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.aldis.client.AldisClient;
import io.aldis.client.Delivery;
import io.aldis.client.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The pub/sub feature's shell commands against live sessions in the distribution: what
 * {@code aldis:subscription-list} and {@code aldis:topic-list} show for a client's subscription and
 * traffic, that {@code aldis:publish} reaches a subscribed client, that {@code aldis:tail} prints
 * the messages published while it runs and stops (and unsubscribes) when interrupted as Ctrl-C
 * would, and that the counters of {@code aldis:stats} follow the traffic.
 *
 * <p>{@code aldis:tail} runs in a shell session of its own on a thread of the test, which reads
 * what it printed so far and then interrupts that thread.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PubSubCommandsIT extends AldisKarafTestSupport {

    private static final String USER = "pubsubcmduser";
    private static final String PASSWORD = "pubsubcmd-Pa55word";
    private static final String PUBSUB_BUNDLE = "io.aldis.feature.pubsub";
    private static final String ECHO_ACTIVATOR = "io.aldis.itest.karaf.EchoHandlerActivator";

    private static boolean userAdded;

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        await(PUBSUB_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(PUBSUB_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for pubsub", WAIT, () -> capabilityServed("pubsub"));
        synchronized (PubSubCommandsIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    @Test
    public void subscriptionAndTopicListsShowTheSessionAndItsSubject() throws Exception {
        AldisClient subscriber = null;
        AldisClient publisher = null;
        try {
            subscriber = connect();
            publisher = connect();
            String session = subscriber.session().sessionId().toString();
            BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
            subscriber.subscribe("cmd.x", received::add).ready().get(30, SECONDS);

            String subscriptions = executeCommand("aldis:subscription-list");
            List<String> row = ShellTables.row(subscriptions, cells -> cells.get(0).contains(session));
            assertNotNull("subscription-list shows session " + session + ":\n" + subscriptions, row);
            assertEquals("owner is the session and its user", session + " (" + USER + ")", row.get(0));
            assertEquals("pattern:\n" + subscriptions, "cmd.x", row.get(2));
            assertEquals("no queue group:\n" + subscriptions, "-", row.get(3));
            assertEquals("the default policy:\n" + subscriptions, "disconnect", row.get(4));
            assertEquals("nothing delivered yet:\n" + subscriptions, "0", row.get(9));

            String filtered = executeCommand("aldis:subscription-list --subject cmd.x");
            assertNotNull("--subject keeps it:\n" + filtered,
                    ShellTables.row(filtered, cells -> cells.get(0).contains(session)));
            assertNotContains(executeCommand("aldis:subscription-list --subject no.such"), session);

            for (String text : List.of("one", "two", "three")) {
                publisher.publish("cmd.x", utf8(text)).get(30, SECONDS);
            }
            for (String text : List.of("one", "two", "three")) {
                Delivery d = received.poll(30, SECONDS);
                assertNotNull("delivered: " + text, d);
                assertEquals(text, d.text());
            }

            String topics = executeCommand("aldis:topic-list");
            List<String> topic = ShellTables.row(topics, cells -> cells.get(0).equals("cmd.x"));
            assertNotNull("topic-list shows cmd.x:\n" + topics, topic);
            assertEquals("messages on cmd.x:\n" + topics, "3", topic.get(1));
            assertEquals("bytes on cmd.x:\n" + topics, Integer.toString("onetwothree".length()), topic.get(2));
            assertEquals("subscribers of cmd.x:\n" + topics, "1", topic.get(4));
            assertNotNull("--by-rate lists it too", ShellTables.row(
                    executeCommand("aldis:topic-list --by-rate"), cells -> cells.get(0).equals("cmd.x")));

            subscriptions = executeCommand("aldis:subscription-list");
            row = ShellTables.row(subscriptions, cells -> cells.get(0).contains(session));
            assertEquals("three delivered:\n" + subscriptions, "3", row.get(9));
            assertEquals("none dropped:\n" + subscriptions, "0", row.get(10));

            subscriber.close().get(30, SECONDS);
            await("the closed session's subscription gone from subscription-list", WAIT,
                    () -> !executeCommand("aldis:subscription-list").contains(session));
            await("cmd.x without subscribers in topic-list", WAIT, () -> {
                List<String> t = ShellTables.row(executeCommand("aldis:topic-list"),
                        cells -> cells.get(0).equals("cmd.x"));
                return t != null && t.get(4).equals("0");
            });
        } finally {
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
        }
    }

    @Test
    public void publishReachesASubscribedClient() throws Exception {
        AldisClient client = null;
        try {
            client = connect();
            BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
            Subscription subscription = client.subscribe("cmd.pub", received::add);
            subscription.ready().get(30, SECONDS);

            String output = executeCommand("aldis:publish cmd.pub hello");
            assertTrue(output, output.contains("Published on cmd.pub to 1 subscription"));
            Delivery hello = received.poll(30, SECONDS);
            assertNotNull("the client got the message", hello);
            assertEquals("cmd.pub", hello.subject());
            assertEquals("hello", hello.text());
            assertEquals(subscription.id(), hello.subscriptionId());
            assertEquals("", hello.replyTo());
            assertEquals(Map.of(), hello.headers());

            output = executeCommand("aldis:publish -H lang=en --header kind=greeting --reply-to cmd.reply"
                    + " cmd.pub hello world");
            assertTrue(output, output.contains("Published on cmd.pub to 1 subscription"));
            Delivery words = received.poll(30, SECONDS);
            assertNotNull("the client got the second message", words);
            assertEquals("words joined with spaces", "hello world", words.text());
            assertEquals("cmd.reply", words.replyTo());
            Map<String, String> headers = new LinkedHashMap<>(words.headers());
            assertEquals(Map.of("lang", "en", "kind", "greeting"), headers);

            output = executeFailingCommand("aldis:publish 'cmd.*' wildcard");
            assertTrue("a wildcard subject is refused:\n" + output, output.contains("Not published:"));
            output = executeFailingCommand("aldis:publish '$sys.x' reserved");
            assertTrue("$sys subjects are refused:\n" + output, output.contains("Not published:"));
            output = executeFailingCommand("aldis:publish -H novalue cmd.pub bad-header");
            assertTrue("a header without = is refused:\n" + output,
                    output.contains("A header must be name=value: novalue"));
            output = executeCommand("aldis:publish cmd.nobody anyone");
            assertTrue(output, output.contains("Published on cmd.nobody to 0 subscriptions"));

            // No refused message reached the client: the next one it gets is this one.
            executeCommand("aldis:publish cmd.pub last");
            Delivery last = received.poll(30, SECONDS);
            assertNotNull(last);
            assertEquals("last", last.text());
        } finally {
            RecordingListener.closeQuietly(client);
        }
    }

    @Test
    public void tailPrintsMessagesPublishedWhileItRunsUntilInterrupted() throws Exception {
        AldisClient client = null;
        RunningCommand tail = startCommand("aldis:tail 'cmd.tail.>'");
        try {
            await("tail started", WAIT, () -> tail.output().contains("Tailing cmd.tail.> (Ctrl-C to stop)"));
            await("tail subscribed", WAIT, () -> tailSubscription("cmd.tail.>") != null);
            List<String> listed = tailSubscription("cmd.tail.>");
            assertEquals("a local subscription, listed as such", "local", listed.get(4));

            client = connect();
            // One session's frames are handled in order: once tail printed the session's second
            // message, the first (on a subject tail does not match) had been routed too.
            client.publish("cmd.other", utf8("not for tail")).get(30, SECONDS);
            client.publish("cmd.tail.a", utf8("first")).get(30, SECONDS);
            await("tail printed the client's message", WAIT, () -> tail.output().contains(" cmd.tail.a: first"));
            executeCommand("aldis:publish -H k=v cmd.tail.b second line");
            await("tail printed the shell's message", WAIT,
                    () -> tail.output().contains(" cmd.tail.b {k=v}: second line"));
            String printed = tail.output();
            assertTrue("in order:\n" + printed, printed.indexOf("cmd.tail.a: first") < printed.indexOf("cmd.tail.b"));
            assertNotContains(printed, "cmd.other");
            assertNotContains(printed, "not for tail");

            // Ctrl-C interrupts the thread running the command: tail ends and unsubscribes.
            assertTrue("tail still running", tail.running());
            tail.interrupt();
            assertTrue("tail ended when interrupted", tail.awaitEnd());
            await("tail's subscription removed", WAIT, () -> tailSubscription("cmd.tail.>") == null);
        } finally {
            tail.interrupt();
            tail.awaitEnd();
            RecordingListener.closeQuietly(client);
        }
    }

    @Test
    public void tailWithACountEndsAfterThatManyMessages() throws Exception {
        CompletableFuture<String> tail = CompletableFuture.supplyAsync(
                () -> executeCommand("aldis:tail -n 2 --max-text 5 cmd.count", WAIT));
        await("tail subscribed", WAIT, () -> tailSubscription("cmd.count") != null);
        executeCommand("aldis:publish cmd.count 0123456789");
        executeCommand("aldis:publish cmd.count short");
        String output = tail.get(60, SECONDS);
        assertTrue(output, output.contains("Tailing cmd.count"));
        assertTrue("long text cut to --max-text:\n" + output, output.contains("cmd.count: 01234... (10 bytes)"));
        assertTrue(output, output.contains("cmd.count: short"));
        await("tail's subscription removed", WAIT, () -> tailSubscription("cmd.count") == null);

        String invalid = executeFailingCommand("aldis:tail 'cmd..bad'");
        assertTrue("an invalid pattern is refused:\n" + invalid, invalid.contains("Invalid pattern:"));
    }

    @Test
    public void statsCountersFollowTheTraffic() throws Exception {
        Bundle echo = TestBundles.install(bundleContext, "io.aldis.itest.echo.stats", ECHO_ACTIVATOR,
                "io.aldis.feature.pubsub.api,org.osgi.framework", List.of(ECHO_ACTIVATOR));
        AldisClient subscriber = null;
        AldisClient publisher = null;
        try {
            echo.start();
            subscriber = connect();
            publisher = connect();
            Map<String, Long> before = counters(executeCommand("aldis:stats"));
            assertTrue("counters listed: " + before, before.keySet().containsAll(
                    List.of("published", "delivered", "messages", "sessions", "subscriptions", "topics")));

            BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
            subscriber.subscribe("cmd.stats", received::add).ready().get(30, SECONDS);
            for (int i = 0; i < 5; i++) {
                publisher.publish("cmd.stats", utf8("m" + i)).get(30, SECONDS);
            }
            for (int i = 0; i < 5; i++) {
                assertNotNull("delivery " + i, received.poll(30, SECONDS));
            }
            assertEquals("echo:ping", publisher.send("echo", utf8("ping")).get(30, SECONDS).text());

            Map<String, Long> after = counters(executeCommand("aldis:stats"));
            assertTrue(before + " -> " + after, after.get("published") >= before.get("published") + 5);
            assertTrue(before + " -> " + after, after.get("delivered") >= before.get("delivered") + 5);
            assertTrue(before + " -> " + after, after.get("messages") >= before.get("messages") + 1);
            assertTrue(before + " -> " + after, after.get("subscriptions") >= 1);
            assertTrue(before + " -> " + after, after.get("sessions") >= 2);
            assertTrue(before + " -> " + after, after.get("topics") >= 1);

            String perSession = executeCommand("aldis:stats --sessions");
            String publisherId = publisher.session().sessionId().toString();
            String subscriberId = subscriber.session().sessionId().toString();
            List<String> pub = ShellTables.row(perSession, cells -> cells.get(0).equals(publisherId));
            List<String> sub = ShellTables.row(perSession, cells -> cells.get(0).equals(subscriberId));
            assertNotNull("stats --sessions shows the publisher:\n" + perSession, pub);
            assertNotNull("stats --sessions shows the subscriber:\n" + perSession, sub);
            assertEquals(perSession, List.of(publisherId, USER, "0", "5", "0"), pub.subList(0, 5));
            assertEquals(perSession, List.of(subscriberId, USER, "1", "0", "5"), sub.subList(0, 5));

            String types = executeCommand("aldis:stats --types");
            List<String> type = ShellTables.row(types, cells -> cells.get(0).equals(EchoHandlerActivator.TYPE));
            assertNotNull("stats --types shows the echo handler:\n" + types, type);
            assertTrue("the handler is named:\n" + types, !type.get(1).isBlank());
        } finally {
            RecordingListener.closeQuietly(subscriber);
            RecordingListener.closeQuietly(publisher);
            TestBundles.uninstallQuietly(echo);
        }
    }

    // ---------------------------------------------------------------- support

    private AldisClient connect() throws Exception {
        return RecordingListener.connect(DEFAULT_PORT, USER, PASSWORD, null);
    }

    /** The subscription-list row of the shell's tail on the pattern, or null. */
    private List<String> tailSubscription(String pattern) {
        return ShellTables.row(executeCommand("aldis:subscription-list"),
                cells -> cells.get(0).equals("shell tail") && cells.get(2).equals(pattern));
    }

    /** The Counter/Value table of aldis:stats. */
    private static Map<String, Long> counters(String output) {
        Map<String, Long> counters = new LinkedHashMap<>();
        List<String> lines = output.lines().toList();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split("\\|");
            if (cells.length == 2 && cells[1].strip().matches("\\d+")) {
                counters.put(cells[0].strip(), Long.parseLong(cells[1].strip()));
            }
        }
        return counters;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts a shell command as an administrator on a thread of its own, as a console would run
     * a command that prints until Ctrl-C.
     */
    private RunningCommand startCommand(String command) {
        return new RunningCommand(command);
    }

    /** A command running in its own shell session; what it printed can be read at any time. */
    private final class RunningCommand {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Session session;
        private final Future<?> result;

        RunningCommand(String command) {
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal("itest"));
            for (String role : List.of("admin", "manager", "viewer", "systembundles")) {
                subject.getPrincipals().add(new RolePrincipal(role));
            }
            session = sessionFactory.create(System.in, out, out);
            result = executor.submit(() -> {
                try {
                    return Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
                } finally {
                    ended.countDown();
                }
            });
        }

        /** What the command printed so far. */
        String output() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        boolean running() {
            return ended.getCount() > 0;
        }

        /** Interrupts the thread running the command, as Ctrl-C in a console does. */
        void interrupt() {
            result.cancel(true);
            executor.shutdownNow();
        }

        /** Whether the command returned within the wait; closes its session either way. */
        boolean awaitEnd() throws InterruptedException {
            try {
                return ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                session.close();
            }
        }
    }
}
