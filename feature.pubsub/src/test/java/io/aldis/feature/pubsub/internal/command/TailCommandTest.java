package io.aldis.feature.pubsub.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aldis:tail} against a real engine: Ctrl-C (an interrupt of the command's thread) while
 * messages keep coming ends the command and its subscription, and the interrupted thread never
 * writes to the console, whose channel an interrupt in the middle of a write would close.
 */
class TailCommandTest {
    private static final long BOUND_MILLIS = 30_000;

    private PubSubEngine engine;
    private final Console console = new Console();
    private volatile boolean publishing = true;
    private Thread publisher;

    @BeforeEach
    void setUp() {
        engine = new PubSubEngine(PubSubSettings.defaults());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        publishing = false;
        if (publisher != null) {
            publisher.join(BOUND_MILLIS);
        }
        engine.close();
    }

    private TailCommand tail(String pattern, int count) {
        TailCommand command = new TailCommand();
        command.admin = engine.admin();
        command.session = consoleSession(console.stream);
        command.pattern = pattern;
        command.count = count;
        return command;
    }

    private void publishUntilStopped(String subject) {
        publisher = new Thread(() -> {
            long n = 0;
            while (publishing) {
                engine.publish(subject, "", Map.of(), ("message " + n++).getBytes(StandardCharsets.UTF_8));
                Thread.onSpinWait();
            }
        }, "publisher");
        publisher.start();
    }

    @Test
    void interruptWhileMessagesFlowReturnsClosesTheSubscriptionAndNeverWritesFromTheInterruptedThread()
            throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread command = new Thread(() -> {
            try {
                tail("demo.>", 0).execute();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "tail-command");
        console.watch(command);
        command.start();
        await("the tail's subscription", () -> tailSubscriptions() == 1);
        publishUntilStopped("demo.fast");
        await("messages on the console", () -> console.text().contains("demo.fast: message"));

        command.interrupt();
        command.join(BOUND_MILLIS);

        assertThat(command.isAlive()).as("the command returned after the interrupt").isFalse();
        assertThat(failure.get()).as("Ctrl-C is not an error").isNull();
        assertThat(tailSubscriptions()).as("the subscription is closed").isZero();
        assertThat(console.writesByInterruptedThreads).as("writes by an interrupted thread").isEmpty();
        assertThat(console.writesByWatchedThreadAfterInterrupt).as("writes by the command's thread after Ctrl-C")
                .isEmpty();
    }

    @Test
    void countEndsTheTailOnItsOwn() throws Exception {
        Thread command = new Thread(() -> {
            try {
                tail("demo.>", 3).execute();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "tail-command");
        command.start();
        await("the tail's subscription", () -> tailSubscriptions() == 1);
        publishUntilStopped("demo.counted");
        command.join(BOUND_MILLIS);
        assertThat(command.isAlive()).isFalse();
        assertThat(console.text().lines().filter(l -> l.contains("demo.counted: message")).count()).isEqualTo(3);
        assertThat(tailSubscriptions()).isZero();
    }

    @Test
    void anInvalidPatternFailsTheCommand() {
        assertThatThrownBy(() -> tail("demo..x", 0).execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid pattern:");
        assertThat(tailSubscriptions()).isZero();
    }

    private long tailSubscriptions() {
        return engine.view().subscriptions().stream().filter(s -> s.owner().contains("shell tail")).count();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never saw " + what);
            }
            Thread.sleep(10);
        }
    }

    private static org.apache.karaf.shell.api.console.Session consoleSession(PrintStream console) {
        // The command uses only the session's console; anything else is a test failure.
        return (org.apache.karaf.shell.api.console.Session) Proxy.newProxyInstance(
                TailCommandTest.class.getClassLoader(),
                new Class<?>[] {org.apache.karaf.shell.api.console.Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConsole")) {
                        return console;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A console that records who writes, as the terminal's interruptible channel would care. */
    private static final class Console extends OutputStream {
        final List<String> writesByInterruptedThreads = new CopyOnWriteArrayList<>();
        final List<String> writesByWatchedThreadAfterInterrupt = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);
        private volatile Thread watched;

        void watch(Thread thread) {
            watched = thread;
        }

        @Override
        public synchronized void write(int b) {
            check();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            check();
            bytes.write(b, off, len);
        }

        private void check() {
            Thread t = Thread.currentThread();
            if (t.isInterrupted()) {
                writesByInterruptedThreads.add(t.getName());
            }
            if (t == watched && t.isInterrupted()) {
                writesByWatchedThreadAfterInterrupt.add(t.getName());
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
