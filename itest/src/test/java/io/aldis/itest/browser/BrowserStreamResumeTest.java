package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.NodeFixture;
import io.aldis.transport.ws.internal.WsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams survive broken connections in a real browser (docs/protocol.md 6.4.7): a page in
 * headless Chromium reaches the node through a {@link CuttingProxy} and iterates a long
 * {@code streams.count}, then a long bidirectional {@code streams.shout}; each time the page
 * reports that it has reached one of the points along a stream, the test cuts every connection
 * through the proxy. The browser client reconnects with its resume token and resumes the stream
 * with STREAM_RESUME; each side sends what the other lacks. The page must get every item exactly
 * once and in order, and every line it sent must come back once, in order. Skipped without
 * Chromium or Node.js, as {@link BrowserScript} says.
 */
class BrowserStreamResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String USER = "ada";
    private static final String PASSWORD = "lovelace-1815";
    private static final int COUNT = 40_000;
    private static final int HIGH_WATER_MARK = 16;
    private static final int SHOUT_LINES = 20_000;
    /** Cuts in each of the two streams. */
    private static final int CUTS = 3;
    /** Items past a cut point after which the page waits for that cut, so every cut falls mid-stream. */
    private static final int MARGIN = 2_000;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first npm install may be slow; the stream takes seconds
    void aPageGetsEveryItemOfLongStreamsEachWayExactlyOnceAndInOrderAcrossCutConnections() throws Exception {
        BrowserScript script = BrowserScript.prepare("browser-stream-resume", "stream-resume.mjs");
        try (NodeFixture node = NodeFixture.builder().userWithPassword(USER, PASSWORD, "user").rpc().streaming()
                .ws(WsSettings.plain("resume-ws", 0).withDemo(true)).start();
                CuttingProxy proxy = new CuttingProxy(node.wsPort()); script) {
            node.export("streams", new Streams.Impl(), Streams.Api.class);
            String throughProxy = "127.0.0.1:" + proxy.port();
            script.start(Map.ofEntries(
                    Map.entry("STREAM_PAGE_URL", "http://" + throughProxy + "/"),
                    Map.entry("STREAM_WS_URL", "ws://" + throughProxy + node.wsUri().getPath()),
                    Map.entry("STREAM_USER", USER),
                    Map.entry("STREAM_PASSWORD", PASSWORD),
                    Map.entry("STREAM_COUNT", Integer.toString(COUNT)),
                    Map.entry("STREAM_HIGH_WATER_MARK", Integer.toString(HIGH_WATER_MARK)),
                    Map.entry("STREAM_SHOUT_LINES", Integer.toString(SHOUT_LINES)),
                    Map.entry("STREAM_CUTS", Integer.toString(CUTS)),
                    Map.entry("STREAM_MARGIN", Integer.toString(MARGIN)),
                    Map.entry("STREAM_WAIT_MS", Long.toString(WAIT.toMillis()))));

            for (int cut = 1; cut <= 2 * CUTS; cut++) {
                script.awaitLine("CUT " + cut + " ", WAIT.multipliedBy(2));
                proxy.cut();
            }
            script.awaitSuccess(WAIT.multipliedBy(2));

            JsonNode result = script.result();
            assertThat(result.path("failure").isMissingNode()).as("the loop failed: %s", result.path("failure")).isTrue();
            assertThat(result.path("misplaced")).as("items missing, repeated or out of order").isEmpty();
            assertThat(result.path("items").asInt()).as("items the page got").isEqualTo(COUNT);
            JsonNode shout = result.path("shout");
            assertThat(shout.path("failure").isMissingNode()).as("the shout loop failed: %s", shout.path("failure"))
                    .isTrue();
            assertThat(shout.path("misplaced")).as("lines missing, repeated or out of order").isEmpty();
            assertThat(shout.path("items").asInt()).as("lines shouted back").isEqualTo(SHOUT_LINES);
            assertThat(result.path("disconnects").asInt()).as("connections cut under the page").isEqualTo(2 * CUTS);
            assertThat(result.path("reconnects")).as("reconnects").hasSize(2 * CUTS)
                    .allSatisfy(r -> assertThat(r.path("resumed").asBoolean()).as("session resumed").isTrue());
            JsonNode tap = result.path("tap");
            assertThat(tap.path("streamErrorsFromNode")).as("STREAM_ERROR from the node").isEmpty();
            // The page receives on both streams: RECEIVING each time, with a count that only grows.
            JsonNode resumes = tap.path("resumesToNode");
            assertThat(resumes).as("STREAM_RESUME frames from the page").hasSize(2 * CUTS);
            for (int i = 0; i < 2 * CUTS; i++) {
                JsonNode resume = resumes.path(i);
                assertThat(resume.path("receiving").asBoolean()).as("RECEIVING in %s", resume).isTrue();
                assertThat(resume.path("ended").asBoolean()).as("ENDED in %s", resume).isFalse();
                assertThat(resume.path("received").asLong()).as("items received at a resume, in %s", resume)
                        .isGreaterThan(i % CUTS == 0 ? 0 : resumes.path(i - 1).path("received").asLong())
                        .isLessThan(i < CUTS ? COUNT : SHOUT_LINES);
                // At the first cut of each stream the page holds at least the item it is working on.
                assertThat(resume.path("credit").asInt()).as("credit in %s", resume)
                        .isBetween(0, i % CUTS == 0 ? HIGH_WATER_MARK - 1 : HIGH_WATER_MARK);
            }
            // The node receives the page's lines: it answers each resume of that stream with its own.
            assertThat(tap.path("resumesFromNode")).as("STREAM_RESUME frames from the node").hasSize(CUTS)
                    .allSatisfy(r -> assertThat(r.path("receiving").asBoolean()).as("RECEIVING in %s", r).isTrue());
            // Items a cut lost were sent again; none reached the page twice (above).
            assertThat(tap.path("itemsFromNode").asInt()).as("items that reached the page's WebSocket")
                    .isEqualTo(COUNT + SHOUT_LINES);
            assertThat(tap.path("itemsToNode").asInt()).as("lines the page sent, those sent again included")
                    .isGreaterThanOrEqualTo(SHOUT_LINES);
            assertThat(proxy.accepted()).as("connections through the proxy").isGreaterThanOrEqualTo(2 * CUTS + 1);
            Map<String, Long> counters = node.streaming().view().counters();
            assertThat(counters).as("the node's stream counters").containsEntry("openedTotal", 2L)
                    .containsEntry("itemsReceived", (long) SHOUT_LINES)
                    .containsEntry("failed", 0L).containsEntry("creditExceeded", 0L);
        }
    }
}
