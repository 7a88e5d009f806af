package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved session on the node an attacker works on. Each round it publishes to a subject of
 * its own and waits for the delivery, then PINGs and waits for the PONG, checking that what comes
 * back is exactly what it sent: so a test proves by its answers, not by their timing, that other
 * sessions are still served. It notes how long each round took, for the figures of the long runs
 * only.
 */
final class Bystander implements AutoCloseable {
    private final FrameClient client;
    private final String subject;
    private final List<Long> roundNanos = new ArrayList<>();
    private long round;

    private Bystander(FrameClient client, String subject) {
        this.client = client;
        this.subject = subject;
    }

    /** Logs {@code user} in (keep-alive on) and subscribes to the bystander's own subject. */
    static Bystander join(NodeFixture node, String user) throws Exception {
        FrameClient client = node.login(user).keepAlive(true);
        String subject = "bystander." + client.sessionId();
        client.subscribeOk(1, subject);
        return new Bystander(client, subject);
    }

    /** One publish→deliver and PING→PONG round, each answer checked. */
    void round() throws IOException {
        long n = ++round;
        long start = System.nanoTime();
        client.publish(subject, "round " + n);
        Deliver delivered = client.deliverOn(subject);
        assertThat(FrameClient.text(delivered)).as("the bystander's own message").isEqualTo("round " + n);
        client.send(new Ping(n));
        Frame pong = client.next(f -> f instanceof Pong p && p.nonce() == n);
        assertThat(pong).isNotNull();
        roundNanos.add(System.nanoTime() - start);
    }

    /** {@code rounds} rounds in a row. */
    void rounds(int rounds) throws IOException {
        for (int i = 0; i < rounds; i++) {
            round();
        }
    }

    /**
     * Runs {@code attack} on a thread of its own while this bystander plays at least
     * {@code rounds} rounds and goes on until the attack ends, then rethrows what the attack threw.
     */
    void during(int rounds, Attack attack) throws Exception {
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                attack.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "attacker");
            t.setDaemon(true);
            t.start();
        });
        rounds(rounds);
        // Rounds go on until the attack ends: the bystander is served all along, and is never
        // quiet for so long that the node's heartbeat rightly takes it for dead.
        while (!running.isDone()) {
            round();
        }
        try {
            running.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof IllegalStateException i && i.getCause() != null ? i.getCause()
                    : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /**
     * Runs {@code attack} on a thread of its own for as long as this bystander plays
     * {@code rounds} rounds: the attack goes on while the supplier it is given says so.
     */
    void whileAttacked(int rounds, EndlessAttack attack) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean on = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                attack.run(on::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "attacker");
            t.setDaemon(true);
            t.start();
        });
        try {
            rounds(rounds);
        } finally {
            on.set(false);
        }
        running.get(2, TimeUnit.MINUTES);
    }

    /** Forgets the round times so far (after a warm-up). */
    void resetTimes() {
        roundNanos.clear();
    }

    /** The round time at {@code percent} (0–100) of those noted, in microseconds. */
    double percentileMicros(double percent) {
        long[] sorted = roundNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percent / 100 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    FrameClient client() {
        return client;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** An attack that goes on while {@code on} says so. */
    @FunctionalInterface
    interface EndlessAttack {
        void run(java.util.function.BooleanSupplier on) throws Exception;
    }

    /** What the attacker does. */
    @FunctionalInterface
    interface Attack {
        void run() throws Exception;
    }
}
