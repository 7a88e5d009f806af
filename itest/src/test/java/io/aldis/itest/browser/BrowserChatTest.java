package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.Subscription;
import io.aldis.itest.support.NodeFixture;
import io.aldis.transport.tcp.internal.TcpSettings;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo room in a real browser: two pages in headless Chromium, driven by Playwright, join the
 * room served by the node's WebSocket listener, and a Java client over TCP joins the same
 * subject; each of the three says one line and each of them must see all three.
 *
 * <p>Needs Debian's Chromium at {@code /usr/bin/chromium} and Node.js with npm; without them the
 * test is skipped. Playwright ({@code playwright-core} only, no browser download) is installed
 * with npm under {@code target/browser-chat/}. Screenshots of both pages are kept there.
 */
class BrowserChatTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String PLAYWRIGHT = "playwright-core@1.65.1";
    private static final String SUBJECT = "demo.room";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String JAVA_USER = "carol";
    private static final Map<String, String> BROWSER_USERS = Map.of("ada", "lovelace-1815", "bob", "builder-77");
    private static final String JAVA_PASSWORD = "tcp-side-42";

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first npm install may be slow; the chat itself takes seconds
    void twoBrowserPagesAndAJavaClientSeeEveryLine() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (Debian: apt-get install -y chromium); skipping the browser test");
        Path node = onPath("node");
        Path npm = onPath("npm");
        assumeTrue(node != null && npm != null, "Node.js and npm are not on the PATH; skipping the browser test");
        Path work = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target/browser-chat");
        installPlaywright(npm, work);
        Path script = work.resolve("chat.mjs");
        Files.copy(Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("src/test/browser/chat.mjs"),
                script, StandardCopyOption.REPLACE_EXISTING);

        Map<String, String> users = new LinkedHashMap<>(BROWSER_USERS);
        users.put(JAVA_USER, JAVA_PASSWORD);
        NodeFixture.Builder wiring = NodeFixture.builder().pubsub()
                .tcp(TcpSettings.plain("demo-tcp", 0)).ws(WsSettings.plain("demo-ws", 0).withDemo(true));
        users.forEach((user, password) -> wiring.userWithPassword(user, password, "user"));
        try (NodeFixture demo = wiring.start()) {
            AldisClient java = AldisClient.builder()
                    .address("127.0.0.1", demo.tcpPort())
                    .credentials(JAVA_USER, JAVA_PASSWORD.toCharArray())
                    .clientName("browser-chat-test")
                    .reconnect(ReconnectPolicy.none())
                    .build();
            try {
                java.connect().get(10, TimeUnit.SECONDS);
                List<JsonNode> received = new CopyOnWriteArrayList<>();
                Subscription room = java.subscribe(SUBJECT, delivery -> {
                    try {
                        received.add(JSON.readTree(delivery.payload()));
                    } catch (IOException e) {
                        received.add(JSON.getNodeFactory().textNode("unreadable: " + delivery.text()));
                    }
                });
                room.ready().get(10, TimeUnit.SECONDS);

                String javaText = "hello from the Java client over TCP";
                List<Map<String, String>> pages = new ArrayList<>();
                BROWSER_USERS.keySet().stream().sorted().forEach(user -> pages.add(Map.of(
                        "user", user, "password", BROWSER_USERS.get(user), "text", "hello from " + user + "'s tab")));

                ProcessBuilder builder = new ProcessBuilder(node.toString(), script.toString())
                        .directory(work.toFile());
                builder.environment().put("CHROMIUM", CHROMIUM.toString());
                builder.environment().put("DEMO_URL", "http://127.0.0.1:" + demo.wsPort() + "/");
                builder.environment().put("DEMO_USERS", JSON.writeValueAsString(pages));
                builder.environment().put("DEMO_JAVA_LINE",
                        JSON.writeValueAsString(Map.of("from", JAVA_USER, "text", javaText)));
                builder.environment().put("DEMO_SCREENSHOT_DIR", work.toString());
                builder.environment().put("DEMO_WAIT_MS", Long.toString(WAIT.toMillis()));
                Process chat = builder.start();
                List<String> output = new CopyOnWriteArrayList<>();
                Thread out = drain(chat.getInputStream(), output, "");
                Thread err = drain(chat.getErrorStream(), output, "stderr: ");
                try {
                    // The pages publish only after their subscription is acknowledged, so once the
                    // Java client has both of their lines, both pages will see its answer.
                    awaitOrFail(() -> pages.stream().allMatch(p -> hasLine(received, p.get("user"), p.get("text"))),
                            chat, output, "the Java client to receive both browser lines");
                    java.publish(SUBJECT, JSON.writeValueAsBytes(Map.of("from", JAVA_USER, "text", javaText,
                            "at", Instant.now().toString()))).get(10, TimeUnit.SECONDS);
                    boolean ended = chat.waitFor(WAIT.toSeconds() + 20, TimeUnit.SECONDS);
                    out.join(5_000);
                    err.join(5_000);
                    assertThat(ended).as("the browser script ended; output:%n%s", String.join("\n", output)).isTrue();
                    assertThat(chat.exitValue()).as("exit code of the browser script; output:%n%s",
                            String.join("\n", output)).isZero();
                } finally {
                    chat.destroyForcibly();
                }

                JsonNode result = JSON.readTree(output.stream().filter(l -> l.startsWith("RESULT "))
                        .map(l -> l.substring("RESULT ".length())).findFirst()
                        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + String.join("\n", output))));
                List<Map<String, String>> expected = new ArrayList<>();
                pages.forEach(p -> expected.add(Map.of("from", p.get("user"), "text", p.get("text"))));
                expected.add(Map.of("from", JAVA_USER, "text", javaText));
                for (Map<String, String> page : pages) {
                    JsonNode shown = result.path(page.get("user"));
                    assertThat(shown.path("state").asText()).as("state shown by %s's page", page.get("user"))
                            .isEqualTo("connected");
                    List<Map<String, String>> lines = new ArrayList<>();
                    shown.path("lines").forEach(l -> lines.add(Map.of("from", l.path("from").asText(),
                            "text", l.path("text").asText())));
                    assertThat(lines).as("lines on %s's page", page.get("user"))
                            .containsExactlyInAnyOrderElementsOf(expected);
                    Path screenshot = work.resolve("browser-chat-" + page.get("user") + ".png");
                    assertThat(screenshot).isRegularFile();
                    assertThat(Files.size(screenshot)).isPositive();
                }
                awaitOrFail(() -> hasLine(received, JAVA_USER, javaText), null, output,
                        "the Java client to receive its own line");
                assertThat(received).as("lines the Java client received").hasSize(3);
                for (JsonNode line : received) {
                    assertThat(Instant.parse(line.path("at").asText())).as("'at' of %s", line).isNotNull();
                }
            } finally {
                java.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean hasLine(List<JsonNode> received, String from, String text) {
        return received.stream().anyMatch(l -> from.equals(l.path("from").asText()) && text.equals(l.path("text").asText()));
    }

    /** Waits for {@code condition}; fails with the script's output if it times out or the script ends first. */
    private static void awaitOrFail(BooleanSupplier condition, Process chat, List<String> output, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (chat != null && !chat.isAlive()) {
                Thread.sleep(200); // let the drains catch the last lines
                fail("the browser script ended (exit " + chat.exitValue() + ") before " + what + "; output:\n"
                        + String.join("\n", output));
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; output:\n" + String.join("\n", output));
            }
            Thread.sleep(50);
        }
    }

    /** Installs playwright-core into {@code work} unless it is there; skips the test when npm cannot. */
    private static void installPlaywright(Path npm, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        if (Files.isRegularFile(work.resolve("node_modules/playwright-core/package.json"))) {
            return;
        }
        Path manifest = work.resolve("package.json");
        if (!Files.exists(manifest)) {
            Files.writeString(manifest, "{\"name\": \"aldis-browser-chat\", \"private\": true, \"type\": \"module\"}\n");
        }
        Process install = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund",
                "--no-package-lock", PLAYWRIGHT)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("npm-install.log").toFile())
                .start();
        boolean ended = install.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            install.destroyForcibly();
        }
        assumeTrue(ended && install.exitValue() == 0, "npm could not install " + PLAYWRIGHT + " (see "
                + work.resolve("npm-install.log") + "); skipping the browser test");
    }

    private static Thread drain(InputStream stream, List<String> lines, String prefix) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(prefix + line);
                    System.out.println("browser-chat " + prefix + line);
                }
            } catch (IOException e) {
                lines.add("(output unreadable: " + e + ")");
            }
        }, "browser-chat-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
