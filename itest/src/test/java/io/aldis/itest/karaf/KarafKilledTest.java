package io.aldis.itest.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the real distribution (the Karaf JVM that {@code bin/karaf server} starts)
 * while an operator's console commands change the node's configuration without pause
 * ({@code aldis:quota-set}, which writes {@code etc/io.aldis.files.cfg} through the configuration
 * admin), then the same installation started again:
 *
 * <ul>
 *   <li>the configuration file is whole: it reads, every key it had besides the one changed is as
 *       it was, and the changed one holds a value an operator set, never a mix or a cut one;
 *   <li>the node runs with what the file says (the quota {@code aldis:quota-show} reports);
 *   <li>the log of the restart has no rejected configuration.
 * </ul>
 *
 * The node itself writes no configuration file; what is tested is the way its commands change one,
 * on the distribution as a user runs it. In the {@code faults} profile: it boots Karaf twice.
 */
@Tag("faults")
class KarafKilledTest {
    private static final Duration BOOT = Duration.ofMinutes(4);
    private static final Duration COMMAND = Duration.ofSeconds(90);
    private static final String OPERATOR = "operator";
    private static final String PASSWORD = "kill-9-test-Pa55word";
    private static final String FILES_CFG = "etc/io.aldis.files.cfg";
    /** Changes acknowledged by the console before the kill, at least. */
    private static final int CHANGES_BEFORE_KILL = 4;

    @TempDir
    Path dir;

    private Path home;
    private int sshPort;
    private int tcpPort;
    private Process karaf;

    @AfterEach
    void stop() throws InterruptedException {
        killKaraf();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aConfigurationChangedByCommandsIsWholeAfterKill9AndIsTheOneInForce() throws Exception {
        home = unpack();
        Properties before = load(home.resolve(FILES_CFG));
        startKaraf();

        // An operator changing the quota without pause; each value is new, so the file shows which one landed.
        Set<Long> sent = new ConcurrentSkipListSet<>();
        AtomicLong acknowledged = new AtomicLong(-1);
        AtomicBoolean going = new AtomicBoolean(true);
        List<String> refusals = new ArrayList<>();
        Thread operator = new Thread(() -> {
            for (long quota = 1_000_000; going.get(); quota += 1_000) {
                sent.add(quota);
                try {
                    ConsoleClient done = client("aldis:quota-set " + quota);
                    if (done.exitStatus() == 0) {
                        acknowledged.set(quota);
                    } else if (going.get()) {
                        refusals.add(done.output());
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "operator");
        operator.start();
        long deadline = System.nanoTime() + COMMAND.toNanos() * CHANGES_BEFORE_KILL;
        while (acknowledged.get() < 1_000_000 + (CHANGES_BEFORE_KILL - 1) * 1_000L && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acknowledged.get()).as("changes acknowledged before the kill; refused: %s", refusals)
                .isGreaterThanOrEqualTo(1_000_000 + (CHANGES_BEFORE_KILL - 1) * 1_000L);
        // Somewhere in the next change: a console command takes one to two seconds from its start.
        long seed = Long.getLong("aldis.itest.seed", System.nanoTime());
        long pause = new Random(seed).nextInt(2_000);
        System.out.println("kill -9 figures: seed " + seed + " (-Daldis.itest.seed), kill " + pause + " ms after"
                + " the last acknowledgement");
        Thread.sleep(pause);
        killKaraf();
        going.set(false);
        operator.join(COMMAND.toMillis());
        long lastAcknowledged = acknowledged.get();

        Properties after = load(home.resolve(FILES_CFG));
        long onDisk = Long.parseLong(after.getProperty("userQuota", "0").strip());
        assertThat(sent).as("values set by the operator").contains(onDisk);
        TreeMap<Object, Object> others = new TreeMap<>(after);
        others.remove("userQuota");
        TreeMap<Object, Object> othersBefore = new TreeMap<>(before);
        othersBefore.remove("userQuota");
        assertThat(others).as("the other keys of %s", FILES_CFG).isEqualTo(othersBefore);
        System.out.println("kill -9 figures: last change acknowledged " + lastAcknowledged + ", on disk after the kill "
                + onDisk + " (" + (onDisk == lastAcknowledged ? "the last acknowledged"
                        : onDisk > lastAcknowledged ? "the one in flight" : "an earlier one") + ")");

        long restartedAt = Files.size(log());
        startKaraf();
        long inForce = quotaInForce(onDisk);
        assertThat(inForce).as("the quota the node applies after the restart").isEqualTo(onDisk);
        assertThat(Long.parseLong(load(home.resolve(FILES_CFG)).getProperty("userQuota").strip())).isEqualTo(onDisk);
        String restartLog = Files.readString(log()).substring((int) Math.min(restartedAt, Files.size(log())));
        assertThat(restartLog).as("the log of the restart").doesNotContain("Rejected");
    }

    /** The quota {@code aldis:quota-show} reports, once it is {@code expected} or the wait ends. */
    private long quotaInForce(long expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + COMMAND.toNanos();
        long shown;
        do {
            ConsoleClient show = client("aldis:quota-show --no-format alice");
            assertThat(show.exitStatus()).as(show.output()).isZero();
            String row = show.output().lines().filter(l -> l.startsWith("alice\t")).findFirst().orElseThrow();
            String quota = row.split("\t")[3].strip();
            shown = quota.equals("none") ? 0 : Long.parseLong(quota);
            if (shown == expected) {
                return shown;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return shown;
    }

    private Path unpack() throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("aldis.itest.distribution.file"));
        run(dir, "tar", "xzf", archive.toString());
        Path unpacked;
        try (var entries = Files.list(dir)) {
            unpacked = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        tcpPort = AldisKarafTestSupport.freePort();
        sshPort = AldisKarafTestSupport.freePort();
        put(unpacked.resolve("etc/io.aldis.transport.tcp-default.cfg"), "port", tcpPort);
        put(unpacked.resolve("etc/io.aldis.transport.ws-default.cfg"), "port", AldisKarafTestSupport.freePort());
        put(unpacked.resolve("etc/io.aldis.metrics.cfg"), "port", AldisKarafTestSupport.freePort());
        put(unpacked.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", sshPort);
        put(unpacked.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", AldisKarafTestSupport.freePort());
        put(unpacked.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", AldisKarafTestSupport.freePort());
        Files.writeString(unpacked.resolve("etc/users.properties"),
                "\n" + OPERATOR + " = " + PASSWORD + ",_g_:admingroup\n", java.nio.file.StandardOpenOption.APPEND);
        return unpacked;
    }

    /** Sets {@code key} in a properties file of the distribution, in place of the line that sets it. */
    private static void put(Path file, String key, int value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        boolean set = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(key + " ") || line.startsWith(key + "=")) {
                lines.set(i, key + " = " + value);
                set = true;
            }
        }
        if (!set) {
            lines.add(key + " = " + value);
        }
        Files.write(file, lines);
    }

    private void startKaraf() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("karaf.out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        karaf = builder.start();
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (!AldisKarafTestSupport.accepts(tcpPort) || !AldisKarafTestSupport.accepts(sshPort)) {
            assertThat(karaf.isAlive()).as("Karaf runs; its output: %s", dir.resolve("karaf.out")).isTrue();
            assertThat(System.nanoTime()).as("Karaf listening within %s", BOOT).isLessThan(deadline);
            Thread.sleep(250);
        }
        // The commands are there once the feature's bundle is up.
        while (client("aldis:quota-show --no-format alice").exitStatus() != 0) {
            assertThat(System.nanoTime()).as("aldis commands within %s", BOOT).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** {@code kill -9} of the Karaf JVM and of the script that started it. */
    private void killKaraf() throws InterruptedException {
        if (karaf == null) {
            return;
        }
        karaf.descendants().forEach(ProcessHandle::destroyForcibly);
        karaf.destroyForcibly();
        karaf.waitFor(30, TimeUnit.SECONDS);
        karaf.descendants().forEach(p -> p.onExit().join());
        karaf = null;
    }

    private Path log() {
        return home.resolve("data/log/karaf.log");
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    private static void run(Path in, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private ConsoleClient client(String command) throws IOException, InterruptedException {
        return ConsoleClient.run(home, sshPort, OPERATOR, PASSWORD, command, COMMAND);
    }
}
