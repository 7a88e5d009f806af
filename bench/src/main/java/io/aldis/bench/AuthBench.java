package io.aldis.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an attacker gets out of the authentication throttle, and what it costs the real user,
 * against a node in a child JVM with the product's throttle and auth timeout settings:
 *
 * <ul>
 *   <li>{@code parallel}: many wrong guesses at once from one address, each waiting for its
 *       verdict: how long until the last verdict, how the attempts ended, and how many the node
 *       actually judged (a guess refused unjudged tells the attacker nothing);</li>
 *   <li>{@code rotate}: wrong guesses from a new loopback address each (127.1.x.y), the connection
 *       closed as soon as the guess is sent, for a while; meanwhile the real user logs in once a
 *       second, alternately from the address it logged in from before the attack (127.0.0.1) and
 *       from a new one (127.3.x.y): guesses sent and judged per second, and the real user's login
 *       times and outcomes.</li>
 * </ul>
 *
 * Arguments: any of {@code parallel rotate} (or {@code all}, the default), then {@code key=value}
 * options; see {@link #OPTIONS}. Nothing here asserts a speed.
 */
public final class AuthBench {
    static final String USER = "bench";
    static final String PASSWORD = "bench-password-not-a-secret";
    static final String HOST = "127.0.0.1";

    /** Options and their defaults. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("guesses", "200");          // parallel guesses from one address
        OPTIONS.put("attackSeconds", "30");     // length of the rotating attack
        OPTIONS.put("inFlight", "32");          // rotating guesses being sent at once
        OPTIONS.put("iterations", "4096");      // SCRAM iterations of the bench user
        OPTIONS.put("clientThreads", "2");
        OPTIONS.put(RunResults.OPTION, "");     // directory for the run's CSV files; empty: a new one under bench/target/results
    }

    private final Map<String, String> opts;
    private final EventLoopGroup group;
    private final List<String> summary = new ArrayList<>();
    private RunResults results;

    private AuthBench(Map<String, String> opts) {
        this.opts = opts;
        this.group = new MultiThreadIoEventLoopGroup(intOpt("clientThreads"),
                new DefaultThreadFactory("bench-client", true), NioIoHandler.newFactory());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(OPTIONS);
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                String key = a.substring(0, eq);
                if (!OPTIONS.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + key + "; known: " + OPTIONS.keySet());
                }
                opts.put(key, a.substring(eq + 1));
            } else if (!a.isBlank()) {
                parts.add(a);
            }
        }
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("parallel", "rotate");
        }
        AuthBench bench = new AuthBench(opts);
        bench.results = RunResults.fromOption("auth", opts.get(RunResults.OPTION));
        System.out.println("options " + new java.util.TreeMap<>(opts));
        for (String part : parts) {
            switch (part) {
                case "parallel" -> bench.parallel();
                case "rotate" -> bench.rotate();
                default -> throw new IllegalArgumentException("unknown part " + part + "; known: parallel rotate all");
            }
        }
        System.out.println();
        System.out.println("==== summary ====");
        bench.summary.forEach(System.out::println);
        System.out.println("results (CSV) are in " + bench.results.directory());
        bench.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private NodeProcess startNode() throws Exception {
        return new NodeProcess(10_000, intOpt("iterations"), USER, PASSWORD, "1g", "productAuth",
                io.aldis.protocol.api.spin.SpinWindow.DEFAULT_CAP_MICROS,
                io.aldis.protocol.api.spin.SpinWindow.DEFAULT_CAP_MICROS);
    }

    // ------------------------------------------------------------------ one address, in parallel

    private void parallel() throws Exception {
        int guesses = intOpt("guesses");
        try (NodeProcess node = startNode()) {
            WireClient client = new WireClient(group, HOST, node.port(), USER, PASSWORD.toCharArray());
            long[] before = node.throttleCounts();
            long start = System.nanoTime();
            List<CompletableFuture<WireClient.Outcome>> attempts = new ArrayList<>();
            List<Long> doneAt = new CopyOnWriteArrayList<>();
            for (int i = 0; i < guesses; i++) {
                CompletableFuture<WireClient.Outcome> attempt = client.attempt(HOST, ("guess-" + i).toCharArray(), false);
                attempt.whenComplete((o, e) -> doneAt.add(System.nanoTime() - start));
                attempts.add(attempt);
            }
            Map<WireClient.Outcome, Integer> outcomes = tally(attempts, 120);
            long[] after = node.throttleCounts();
            long judged = after[0] - before[0];
            double lastSeconds = doneAt.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9;
            String line = String.format(Locale.ROOT,
                    "parallel, one address: %d guesses, outcomes %s, last verdict after %.1f s; the node judged %d"
                            + " (refused %d unjudged): %.2f guesses judged per second",
                    guesses, outcomes, lastSeconds, judged, after[1] - before[1], judged / lastSeconds);
            System.out.println(line);
            summary.add(line);
            results.round("guesses judged", "one address, in parallel", 1,
                    new RunResults.Figure("judged", "guesses/s", judged / lastSeconds));
        }
    }

    // ------------------------------------------------------------------ rotating addresses

    private void rotate() throws Exception {
        int seconds = intOpt("attackSeconds");
        try (NodeProcess node = startNode()) {
            WireClient client = new WireClient(group, HOST, node.port(), USER, PASSWORD.toCharArray());
            // The real user has logged in from its usual address before the attack.
            WireClient.Outcome first = client.attempt(HOST, PASSWORD.toCharArray(), false).get(30, TimeUnit.SECONDS);
            if (first != WireClient.Outcome.OK) {
                throw new IllegalStateException("the real user could not log in before the attack: " + first);
            }
            long[] before = node.throttleCounts();
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Semaphore slots = new Semaphore(intOpt("inFlight"));
            Thread attacker = new Thread(() -> {
                int n = 0;
                while (attacking.get()) {
                    try {
                        slots.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    n++;
                    String from = "127.1." + (n / 250 % 250) + "." + (n % 250 + 1);
                    client.attempt(from, ("guess-" + n).toCharArray(), true).whenComplete((o, e) -> {
                        if (o == WireClient.Outcome.ABANDONED) {
                            sent.incrementAndGet();
                        }
                        slots.release();
                    });
                }
            }, "attacker");
            long start = System.nanoTime();
            attacker.start();
            Map<String, List<Double>> loginMillis = new LinkedHashMap<>();
            Map<String, Map<WireClient.Outcome, Integer>> loginOutcomes = new LinkedHashMap<>();
            int fresh = 0;
            long attackEnds = start + TimeUnit.SECONDS.toNanos(seconds);
            for (int login = 1; System.nanoTime() + 1_000_000_000L < attackEnds; login++) {
                Thread.sleep(1_000);
                boolean trusted = login % 2 == 1;
                String kind = trusted ? "from its usual address" : "from a new address";
                String from = trusted ? HOST : "127.3.0." + (++fresh % 250 + 1);
                long t0 = System.nanoTime();
                WireClient.Outcome outcome = client.attempt(from, PASSWORD.toCharArray(), false).get(60, TimeUnit.SECONDS);
                loginMillis.computeIfAbsent(kind, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
                loginOutcomes.computeIfAbsent(kind, k -> new EnumMap<>(WireClient.Outcome.class)).merge(outcome, 1,
                        Integer::sum);
            }
            attacking.set(false);
            attacker.join();
            double elapsed = (System.nanoTime() - start) / 1e9;
            slots.acquire(intOpt("inFlight")); // the last guesses are out
            Thread.sleep(500); // and read by the node
            long[] after = node.throttleCounts();
            // The real user's password is right: its attempts that were judged are exactly its OKs.
            int realJudged = loginOutcomes.values().stream().mapToInt(m -> m.getOrDefault(WireClient.Outcome.OK, 0)).sum();
            long judged = after[0] - before[0] - realJudged;
            String line = String.format(Locale.ROOT,
                    "rotating addresses, not waiting for verdicts: %d guesses sent in %.1f s (%.1f/s); the node judged"
                            + " %d of them (%.2f/s); it refused %d attempts unjudged (the real user's included)",
                    sent.get(), elapsed, sent.get() / elapsed, judged, judged / elapsed, after[1] - before[1]);
            System.out.println(line);
            summary.add(line);
            results.round("guesses judged", "rotating addresses", 1,
                    new RunResults.Figure("judged", "guesses/s", judged / elapsed));
            for (String kind : loginMillis.keySet()) {
                List<Double> ms = new ArrayList<>(loginMillis.get(kind));
                ms.sort(null);
                String real = String.format(Locale.ROOT,
                        "  real user under that attack, %s: %d logins %s, login time median %.0f ms, max %.0f ms", kind,
                        ms.size(), loginOutcomes.get(kind), ms.get(ms.size() / 2), ms.get(ms.size() - 1));
                System.out.println(real);
                summary.add(real);
                results.round("real user's login under a rotating attack", kind, 1,
                        new RunResults.Figure("max", "ms", ms.get(ms.size() - 1)),
                        new RunResults.Figure("p50", "ms", ms.get(ms.size() / 2)));
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Map<WireClient.Outcome, Integer> tally(List<CompletableFuture<WireClient.Outcome>> attempts,
            int timeoutSeconds) throws Exception {
        Map<WireClient.Outcome, Integer> outcomes = new EnumMap<>(WireClient.Outcome.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (CompletableFuture<WireClient.Outcome> attempt : attempts) {
            WireClient.Outcome outcome = attempt.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        return outcomes;
    }

    private int intOpt(String key) {
        return Integer.parseInt(opts.get(key));
    }
}
