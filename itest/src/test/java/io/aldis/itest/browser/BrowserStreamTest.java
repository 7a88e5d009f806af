package io.aldis.itest.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.transport.ws.internal.WsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams in a real browser (docs/protocol.md 6.4): a page in headless Chromium loads the browser
 * client the node's WebSocket listener serves and calls a service exported inside the node with
 * streaming methods ({@link Streams}): a server stream far longer than its high-water mark, a
 * client stream from an async generator, a bidirectional stream, streams of bytes each way (the
 * way up in bytes credit mode), and an endless stream it leaves early, after which the node must
 * have released the service's producer.
 *
 * <p>Besides what the client hands the page, the script taps the page's WebSocket and reports
 * each call's frames: that it streamed rather than fell back to a batch, the grants each way, and
 * any item sent beyond its credit. Skipped without Chromium or Node.js, as {@link BrowserScript} says.
 */
class BrowserStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String USER = "ada";
    private static final String PASSWORD = "lovelace-1815";
    private static final int COUNT = 5000;
    private static final int HIGH_WATER_MARK = 16;
    private static final int SUM_OF = 1000;
    private static final int SHOUT_LINES = 300;
    private static final int FOREVER_ITEMS = 100;
    private static final int BLOCKS = 32;
    private static final int BLOCK_SIZE = 4096;
    /** {@code Streams.Api.store}'s high-water mark, in bytes. */
    private static final int STORE_HIGH_WATER_MARK = 65536;
    /** The node's own high-water mark for a streamed parameter in items mode (5.5). */
    private static final int NODE_HIGH_WATER_MARK = 64;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first npm install may be slow; the streams take seconds
    void aPageStreamsEachWayOverWebSocketWithinCreditAndLeavingALoopReleasesTheProducer() throws Exception {
        BrowserScript script = BrowserScript.prepare("browser-stream", "stream.mjs");
        Streams.Impl streams = new Streams.Impl();
        try (NodeFixture node = NodeFixture.builder().userWithPassword(USER, PASSWORD, "user").rpc().streaming()
                .ws(WsSettings.plain("stream-ws", 0).withDemo(true)).start(); script) {
            node.export("streams", streams, Streams.Api.class);
            script.start(Map.ofEntries(
                    Map.entry("STREAM_PAGE_URL", "http://127.0.0.1:" + node.wsPort() + "/"),
                    Map.entry("STREAM_WS_URL", node.wsUri().toString()),
                    Map.entry("STREAM_USER", USER),
                    Map.entry("STREAM_PASSWORD", PASSWORD),
                    Map.entry("STREAM_COUNT", Integer.toString(COUNT)),
                    Map.entry("STREAM_HIGH_WATER_MARK", Integer.toString(HIGH_WATER_MARK)),
                    Map.entry("STREAM_SUM_OF", Integer.toString(SUM_OF)),
                    Map.entry("STREAM_SHOUT_LINES", Integer.toString(SHOUT_LINES)),
                    Map.entry("STREAM_FOREVER_ITEMS", Integer.toString(FOREVER_ITEMS)),
                    Map.entry("STREAM_BLOCKS", Integer.toString(BLOCKS)),
                    Map.entry("STREAM_BLOCK_SIZE", Integer.toString(BLOCK_SIZE)),
                    Map.entry("STREAM_WAIT_MS", Long.toString(WAIT.toMillis()))));

            // The page has left the endless stream and holds its session open until told.
            script.awaitLine("LEFT_FOREVER", WAIT.multipliedBy(3));
            assertThat(streams.cancels.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the producer of streams.forever was cancelled while the page's session is open; output:%n%s",
                            script.outputText())
                    .isTrue();
            assertThat(streams.cancelled).as("producers cancelled").hasValue(1);
            script.tell("the producer was released");
            script.awaitSuccess(WAIT);

            JsonNode result = script.result();
            assertThat(result.path("streamsAvailable").asBoolean()).as("the session offers streams").isTrue();
            assertThat(result.path("subprotocol").asText()).as("the node chose the batched subprotocol the browser offered")
                    .isEqualTo("aldis.v1.batch");
            assertThat(result.path("violations")).as("credit broken on the wire").isEmpty();
            checkServerStream(result);
            checkClientStream(result);
            checkBidirectionalStream(result);
            checkBytesEachWay(result);
            checkLeftStream(result);

            Map<String, Long> counters = node.streaming().view().counters();
            assertThat(counters).as("the node's stream counters")
                    .containsEntry("openedTotal", 6L)
                    .containsEntry("itemsReceived", (long) SUM_OF + SHOUT_LINES + BLOCKS)
                    .containsEntry("bytesReceived", bytesOf(result, "sum") + bytesOf(result, "shout")
                            + (long) BLOCKS * BLOCK_SIZE)
                    .containsEntry("cancelled", 1L)
                    .containsEntry("failed", 0L)
                    .containsEntry("creditExceeded", 0L);
        }
    }

    /** 1: every item once and in order, and the page's grants are exactly its high-water mark, then halves of it. */
    private static void checkServerStream(JsonNode result) {
        assertThat(result.path("countFailure").isMissingNode()).as("the count loop failed: %s",
                result.path("countFailure")).isTrue();
        assertThat(ints(result.path("count").path("items"))).as("items of streams.count")
                .containsExactlyElementsOf(IntStream.range(0, COUNT).boxed().toList());
        JsonNode stream = onlyStreamedCall(result.path("count"), "streams.count", 1);
        assertAnswered(result.path("count"), "streams.count");
        assertThat(stream.path("itemsFromNode").asInt()).isEqualTo(COUNT);
        assertThat(stream.path("endFromNode").asBoolean()).as("STREAM_END or LAST of streams.count").isTrue();
        List<Integer> grants = ints(stream.path("grantsToNode"));
        assertThat(grants).as("the page's STREAM_CREDITs").isNotEmpty().startsWith(HIGH_WATER_MARK);
        // Consumed credit goes back once it reaches half of H (6.4.3 rule 3); the last grant is
        // the final return, which may be smaller; together they give the node its whole window back.
        assertThat(grants.subList(1, grants.size() - 1)).as("the page's STREAM_CREDITs after the first, but the last")
                .allMatch(g -> g == HIGH_WATER_MARK / 2);
        assertThat(grants.get(grants.size() - 1)).isBetween(1, HIGH_WATER_MARK / 2);
        assertThat(grants.stream().mapToInt(Integer::intValue).sum()).as("credit granted in all")
                .isEqualTo(HIGH_WATER_MARK + COUNT);
    }

    /** 2: the service sums what the async generator yields, sent as items within the node's credit. */
    private static void checkClientStream(JsonNode result) {
        JsonNode sum = result.path("sum");
        assertThat(sum.path("failure").isMissingNode()).as("streams.sum failed: %s", sum.path("failure")).isTrue();
        assertThat(sum.path("value").asLong()).as("the sum").isEqualTo((long) SUM_OF * (SUM_OF + 1) / 2);
        JsonNode stream = onlyStreamedCall(sum, "streams.sum", 2);
        assertAnswered(sum, "streams.sum");
        assertThat(stream.path("initialCredit").asInt()).isEqualTo(NODE_HIGH_WATER_MARK);
        assertThat(stream.path("itemsToNode").asInt()).isEqualTo(SUM_OF);
        assertThat(stream.path("endToNode").asBoolean()).as("STREAM_END or LAST from the page").isTrue();
        assertThat(ints(stream.path("grantsFromNode"))).as("the node's STREAM_CREDITs").isNotEmpty();
    }

    /** 3: each line comes back in upper case, in order, on the same stream. */
    private static void checkBidirectionalStream(JsonNode result) {
        JsonNode shout = result.path("shout");
        assertThat(result.path("shoutFailure").isMissingNode()).as("the shout loop failed: %s",
                result.path("shoutFailure")).isTrue();
        List<String> expected = new ArrayList<>();
        shout.path("sent").forEach(line -> expected.add(line.asText().toUpperCase(Locale.ROOT)));
        assertThat(expected).hasSize(SHOUT_LINES);
        List<String> shouted = new ArrayList<>();
        shout.path("items").forEach(line -> shouted.add(line.asText()));
        assertThat(shouted).as("items of streams.shout").containsExactlyElementsOf(expected);
        JsonNode stream = onlyStreamedCall(shout, "streams.shout", 3);
        assertAnswered(shout, "streams.shout");
        assertThat(stream.path("itemsToNode").asInt()).isEqualTo(SHOUT_LINES);
        assertThat(stream.path("itemsFromNode").asInt()).isEqualTo(SHOUT_LINES);
        assertThat(ints(stream.path("grantsToNode"))).startsWith(HIGH_WATER_MARK);
    }

    /** 4: blocks come down as Uint8Arrays, and go up as raw items within the node's credit in bytes. */
    private static void checkBytesEachWay(JsonNode result) {
        assertThat(result.path("blocksFailure").isMissingNode()).as("the blocks loop failed: %s",
                result.path("blocksFailure")).isTrue();
        List<String> blocks = new ArrayList<>();
        result.path("blocks").path("items").forEach(b -> blocks.add(b.path("length").asInt() + " bytes of "
                + b.path("filledWith").asText()));
        assertThat(blocks).as("blocks of streams.blocks").containsExactlyElementsOf(
                IntStream.range(0, BLOCKS).mapToObj(i -> BLOCK_SIZE + " bytes of " + i).toList());
        JsonNode down = onlyStreamedCall(result.path("blocks"), "streams.blocks", 1, 0);
        assertAnswered(result.path("blocks"), "streams.blocks");
        assertThat(down.path("bytesFromNode").asLong()).isEqualTo((long) BLOCKS * BLOCK_SIZE);

        JsonNode store = result.path("store");
        assertThat(store.path("failure").isMissingNode()).as("streams.store failed: %s", store.path("failure"))
                .isTrue();
        assertThat(store.path("value").asLong()).as("bytes stored").isEqualTo((long) BLOCKS * BLOCK_SIZE);
        JsonNode up = onlyStreamedCall(store, "streams.store", 2, 1);
        assertAnswered(store, "streams.store");
        assertThat(up.path("initialCredit").asInt()).isEqualTo(STORE_HIGH_WATER_MARK);
        assertThat(up.path("itemsToNode").asInt()).isEqualTo(BLOCKS);
        assertThat(up.path("costToNode").asLong()).as("the cost of the page's items in bytes mode")
                .isEqualTo((long) BLOCKS * BLOCK_SIZE);
        // More bytes than one window, so the page went on only on the node's grants.
        assertThat(ints(up.path("grantsFromNode")).stream().mapToLong(Integer::longValue).sum())
                .as("the node's grants").isGreaterThanOrEqualTo((long) BLOCKS * BLOCK_SIZE - STORE_HIGH_WATER_MARK);
    }

    /** 5: leaving the loop cancels the stream, and the node answers the call CANCELLED. */
    private static void checkLeftStream(JsonNode result) {
        assertThat(result.path("foreverFailure").isMissingNode()).as("the forever loop failed: %s",
                result.path("foreverFailure")).isTrue();
        JsonNode forever = result.path("forever");
        assertThat(forever.path("items").asInt()).as("items taken from streams.forever").isEqualTo(FOREVER_ITEMS);
        JsonNode call = forever.path("calls").path(0);
        JsonNode stream = onlyStreamedCall(forever, "streams.forever", 1);
        assertThat(stream.path("cancelToNode").asBoolean() || call.path("cancelled").asBoolean())
                .as("STREAM_CANCEL or RPC_CANCEL from the page: %s", call).isTrue();
        assertThat(stream.path("itemsFromNode").asInt()).as("items of streams.forever that reached the page")
                .isBetween(FOREVER_ITEMS, FOREVER_ITEMS + HIGH_WATER_MARK);
        assertThat(call.path("answer").path("type").asText()).as("the node's answer: %s", call).isEqualTo("RPC_ERROR");
        assertThat(call.path("answer").path("code").asInt()).as("the node's answer: %s", call)
                .isEqualTo(ErrorCode.CANCELLED.code());
    }

    /**
     * The one call the page made of {@code method}: made with the STREAMS flag and answered by a
     * stream of {@code direction} in items mode; returns what the tap saw of that stream.
     */
    private static JsonNode onlyStreamedCall(JsonNode part, String method, int direction) {
        return onlyStreamedCall(part, method, direction, 0);
    }

    /** The same in credit mode {@code creditMode} (0 items, 1 bytes). */
    private static JsonNode onlyStreamedCall(JsonNode part, String method, int direction, int creditMode) {
        JsonNode calls = part.path("calls");
        assertThat(calls).as("calls of %s", method).hasSize(1);
        JsonNode call = calls.path(0);
        assertThat(call.path("streams").asBoolean()).as("STREAMS flag of %s", method).isTrue();
        JsonNode stream = call.path("stream");
        assertThat(stream.isObject()).as("a stream opened for %s: %s", method, call).isTrue();
        assertThat(stream.path("direction").asInt()).as("direction of %s", method).isEqualTo(direction);
        assertThat(stream.path("creditMode").asInt()).as("credit mode of %s", method).isEqualTo(creditMode);
        assertThat(stream.path("errorFromNode").isNull()).as("STREAM_ERROR on %s: %s", method, stream).isTrue();
        return stream;
    }

    /** The bytes of the items the page sent on the stream of its one call of that part. */
    private static long bytesOf(JsonNode result, String part) {
        return result.path(part).path("calls").path(0).path("stream").path("bytesToNode").asLong();
    }

    private static void assertAnswered(JsonNode part, String method) {
        JsonNode call = part.path("calls").path(0);
        assertThat(call.path("answer").path("type").asText()).as("the node's answer to %s: %s", method, call)
                .isEqualTo("RPC_RESPONSE");
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isInt() ? v.asInt() : null));
        return values;
    }
}
