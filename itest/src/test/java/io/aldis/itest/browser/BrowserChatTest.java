package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.Subscription;
import io.aldis.itest.support.NodeFixture;
import io.aldis.transport.tcp.internal.TcpSettings;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo room in a real browser: two pages in headless Chromium, driven by Playwright, join the
 * room served by the node's WebSocket listener, and a Java client over TCP joins the same
 * subject; each of the three says one line and each of them must see all three.
 *
 * <p>Needs Debian's Chromium at {@code /usr/bin/chromium} and Node.js with npm; without them the
 * test is skipped. Playwright ({@code playwright-core} only, no browser download) is installed
 * with npm under {@code target/browser-chat/} ({@link BrowserScript}). Screenshots of both pages
 * are kept there.
 */
class BrowserChatTest {
    private static final String SUBJECT = "demo.room";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String JAVA_USER = "carol";
    private static final Map<String, String> BROWSER_USERS = Map.of("ada", "lovelace-1815", "bob", "builder-77");
    private static final String JAVA_PASSWORD = "tcp-side-42";

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first npm install may be slow; the chat itself takes seconds
    void twoBrowserPagesAndAJavaClientSeeEveryLine() throws Exception {
        BrowserScript chat = BrowserScript.prepare("browser-chat", "chat.mjs");
        Path work = chat.work();

        Map<String, String> users = new LinkedHashMap<>(BROWSER_USERS);
        users.put(JAVA_USER, JAVA_PASSWORD);
        NodeFixture.Builder wiring = NodeFixture.builder().pubsub()
                .tcp(TcpSettings.plain("demo-tcp", 0)).ws(WsSettings.plain("demo-ws", 0).withDemo(true));
        users.forEach((user, password) -> wiring.userWithPassword(user, password, "user"));
        try (NodeFixture demo = wiring.start(); chat) {
            AldisClient java = AldisClient.builder()
                    .address("127.0.0.1", demo.tcpPort())
                    .credentials(JAVA_USER, JAVA_PASSWORD.toCharArray())
                    .clientName("browser-chat-test")
                    .reconnect(ReconnectPolicy.none())
                    .build();
            try {
                java.connect().get(10, TimeUnit.SECONDS);
                String javaText = "hello from the Java client over TCP";
                List<Map<String, String>> pages = new ArrayList<>();
                BROWSER_USERS.keySet().stream().sorted().forEach(user -> pages.add(Map.of(
                        "user", user, "password", BROWSER_USERS.get(user), "text", "hello from " + user + "'s tab")));

                List<JsonNode> received = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> browserLines = new CompletableFuture<>();
                CompletableFuture<Void> ownLine = new CompletableFuture<>();
                Subscription room = java.subscribe(SUBJECT, delivery -> {
                    try {
                        received.add(JSON.readTree(delivery.payload()));
                    } catch (IOException e) {
                        received.add(JSON.getNodeFactory().textNode("unreadable: " + delivery.text()));
                    }
                    if (pages.stream().allMatch(p -> hasLine(received, p.get("user"), p.get("text")))) {
                        browserLines.complete(null);
                    }
                    if (hasLine(received, JAVA_USER, javaText)) {
                        ownLine.complete(null);
                    }
                });
                room.ready().get(10, TimeUnit.SECONDS);

                chat.start(Map.of(
                        "DEMO_URL", "http://127.0.0.1:" + demo.wsPort() + "/",
                        "DEMO_USERS", JSON.writeValueAsString(pages),
                        "DEMO_JAVA_LINE", JSON.writeValueAsString(Map.of("from", JAVA_USER, "text", javaText)),
                        "DEMO_SCREENSHOT_DIR", work.toString(),
                        "DEMO_WAIT_MS", Long.toString(WAIT.toMillis())));
                // The pages publish only after their subscription is acknowledged, so once the
                // Java client has both of their lines, both pages will see its answer.
                chat.await(browserLines, "the Java client to receive both browser lines", WAIT.plusSeconds(20));
                java.publish(SUBJECT, JSON.writeValueAsBytes(Map.of("from", JAVA_USER, "text", javaText,
                        "at", Instant.now().toString()))).get(10, TimeUnit.SECONDS);
                chat.awaitSuccess(WAIT.plusSeconds(20));

                JsonNode result = chat.result();
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
                try {
                    ownLine.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("timed out waiting for the Java client to receive its own line; it has " + received);
                }
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
}
