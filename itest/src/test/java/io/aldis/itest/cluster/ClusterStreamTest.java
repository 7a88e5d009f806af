package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Streams across three nodes on loopback, each in its own JVM with its own Hazelcast member: a
 * client on node a calls the streaming methods of an OSGi service exported on node c only. The
 * client sees what a stream on its own node gives (STREAM_OPEN, items in order within the credit
 * it grants, the end, then the answer); the publisher on c makes no more items than the client
 * granted on a; a streamed parameter crosses the other way, and a bidirectional stream both ways; a failing publisher gives STREAM_ERROR
 * then RPC_ERROR; the client's cancel and the call's deadline stop the publisher on c; killing the
 * caller's node b stops it too; and killing c mid-stream fails the call with PROVIDER_GONE.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterStreamTest {
    private static final String SECRET = "three-nodes-streaming-to-each-other";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static ChildNode.Clustered c;
    private static final List<FrameClient> clients = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        List<ChildNode.Clustered> nodes = ChildNode.startThreeExportingOnC(SECRET, CONVERGE);
        a = nodes.get(0);
        b = nodes.get(1);
        c = nodes.get(2);
        awaitTrue(() -> a.counts().serves("c", ChildNode.STREAMS), "a knows c serves the streams");
    }

    @AfterAll
    static void stop() throws Exception {
        ChildNode.closeAll(clients, a, b, c);
    }

    @Test
    @Order(1)
    void aStreamServedOnAnotherNodeGivesItsItemsInOrderWithinTheCreditTheCallerGrants() throws Exception {
        FrameClient onA = login(a);
        int count = 3000;
        int window = 16;
        long producedBefore = c.streams().produced();
        onA.send(new RpcRequest(true, 1, 0, "streams.blocks", ("[" + count + ", 128]").getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 1);
        assertThat(open.direction()).isEqualTo(StreamDirection.NODE_TO_CLIENT);

        long granted = window;
        onA.send(new StreamCredit(open.streamId(), window));
        int received = 0;
        boolean ended = false;
        while (!ended) {
            Frame f = onA.next(x -> x instanceof StreamData || x instanceof StreamEnd || x instanceof StreamError
                    || x instanceof RpcError || x instanceof RpcResponse);
            assertThat(f).isInstanceOfAny(StreamData.class, StreamEnd.class);
            if (f instanceof StreamData data) {
                assertThat(data.item()).hasSize(128);
                assertThat(data.item()[0]).as("item %d in order", received).isEqualTo((byte) received);
                received++;
                ended = data.last();
                if (received % 500 == 0) {
                    // A slow consumer: whatever c would make without credit, it has time to make now.
                    Thread.sleep(300);
                    assertThat(c.streams().produced() - producedBefore)
                            .as("items made on c after %d received, %d granted on a", received, granted)
                            .isLessThanOrEqualTo(granted);
                }
                if (received % (window / 2) == 0 && granted < count) {
                    onA.send(new StreamCredit(open.streamId(), window / 2));
                    granted += window / 2;
                }
            } else {
                ended = true;
            }
        }
        assertThat(received).isEqualTo(count);
        RpcResponse answer = onA.next(RpcResponse.class);
        assertThat(answer.callId()).isEqualTo(1);
        assertThat(text(answer.result())).isEqualTo("null");
        assertThat(c.streams().produced() - producedBefore).isEqualTo(count);
    }

    @Test
    @Order(2)
    void aStreamedParameterCrossesToTheServingNodeWithinItsCredit() throws Exception {
        FrameClient onA = login(a);
        onA.send(new RpcRequest(true, 2, 0, "streams.sum", "[null]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 2);
        assertThat(open.direction()).isEqualTo(StreamDirection.CLIENT_TO_NODE);
        long credit = open.initialCredit();
        long expected = 0;
        for (long value = 1; value <= 1000; value++) {
            while (credit == 0) {
                credit += onA.next(StreamCredit.class).credit();
            }
            onA.send(new StreamData(false, open.streamId(), Long.toString(value).getBytes(StandardCharsets.UTF_8)));
            credit--;
            expected += value;
        }
        onA.send(new StreamEnd(open.streamId()));
        RpcResponse answer = onA.next(RpcResponse.class);
        assertThat(text(answer.result())).isEqualTo(Long.toString(expected));

        // Credit in bytes: streams.store declares a high-water mark of 64 KiB.
        onA.send(new RpcRequest(true, 7, 0, "streams.store", "[\"blob\", null]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen bytes = onA.next(f -> f instanceof StreamOpen o && o.callId() == 7);
        assertThat(bytes.creditMode()).isEqualTo(CreditMode.BYTES);
        long byteCredit = bytes.initialCredit();
        for (int block = 0; block < 64; block++) {
            while (byteCredit < 4096) {
                byteCredit += onA.next(StreamCredit.class).credit();
            }
            onA.send(new StreamData(false, bytes.streamId(), new byte[4096]));
            byteCredit -= 4096;
        }
        onA.send(new StreamEnd(bytes.streamId()));
        assertThat(text(onA.next(RpcResponse.class).result())).isEqualTo(Long.toString(64 * 4096));
    }

    @Test
    @Order(3)
    void aBidirectionalStreamCrossesBothWaysAndEndsWhenBothSidesEnded() throws Exception {
        FrameClient onA = login(a);
        onA.send(new RpcRequest(true, 6, 0, "streams.shout", "[null]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 6);
        assertThat(open.direction()).isEqualTo(StreamDirection.BIDIRECTIONAL);
        onA.send(new StreamCredit(open.streamId(), 100));
        long credit = open.initialCredit();
        List<String> shouted = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            while (credit == 0) {
                Frame f = onA.next(x -> x instanceof StreamCredit || x instanceof StreamData);
                if (f instanceof StreamCredit more) {
                    credit += more.credit();
                } else {
                    shouted.add(text(((StreamData) f).item()));
                }
            }
            onA.send(new StreamData(false, open.streamId(), ("\"line " + i + "\"").getBytes(StandardCharsets.UTF_8)));
            credit--;
        }
        onA.send(new StreamEnd(open.streamId()));
        boolean ended = false;
        while (!ended) {
            Frame f = onA.next(x -> x instanceof StreamData || x instanceof StreamEnd || x instanceof StreamError
                    || x instanceof RpcError || x instanceof RpcResponse);
            assertThat(f).isInstanceOfAny(StreamData.class, StreamEnd.class);
            if (f instanceof StreamData data) {
                shouted.add(text(data.item()));
                ended = data.last();
            } else {
                ended = true;
            }
        }
        assertThat(shouted).hasSize(50).startsWith("\"LINE 0\"", "\"LINE 1\"").endsWith("\"LINE 49\"");
        RpcResponse answer = onA.next(RpcResponse.class);
        assertThat(answer.callId()).isEqualTo(6);
    }

    @Test
    @Order(4)
    void aPublisherThatFailsOnAnotherNodeGivesStreamErrorThenRpcError() throws Exception {
        FrameClient onA = login(a);
        onA.send(new RpcRequest(true, 3, 0, "streams.failing", "[]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 3);
        onA.send(new StreamCredit(open.streamId(), 4));
        assertThat(text(onA.next(StreamData.class).item())).isEqualTo("\"first\"");
        StreamError streamError = onA.next(StreamError.class);
        assertThat(streamError.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        RpcError error = onA.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).contains("disk on fire");
    }

    @Test
    @Order(5)
    void theCallersCancelStopsThePublisherOnTheServingNode() throws Exception {
        FrameClient onA = login(a);
        long cancelledBefore = c.streams().cancelled();
        onA.send(new RpcRequest(true, 4, 0, "streams.forever", "[\"again\"]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 4);
        onA.send(new StreamCredit(open.streamId(), 4));
        for (int i = 0; i < 4; i++) {
            assertThat(text(onA.next(StreamData.class).item())).isEqualTo("\"again\"");
        }
        onA.send(new StreamCancel(open.streamId()));
        assertThat(onA.next(RpcError.class).callId()).isEqualTo(4);
        awaitTrue(() -> c.streams().cancelled() > cancelledBefore, "the publisher on c was cancelled");
    }

    @Test
    @Order(6)
    void theDeadlineEndsTheStreamAndStopsThePublisherOnTheServingNode() throws Exception {
        FrameClient onA = login(a);
        long cancelledBefore = c.streams().cancelled();
        onA.send(new RpcRequest(true, 8, 1_000, "streams.forever", "[\"late\"]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 8);
        onA.send(new StreamCredit(open.streamId(), 2));
        onA.next(StreamData.class);
        onA.next(StreamData.class);
        // No more credit: the stream waits until the deadline ends the call.
        RpcError error = onA.next(f -> f instanceof RpcError e && e.callId() == 8);
        assertThat(error.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
        awaitTrue(() -> c.streams().cancelled() > cancelledBefore, "the publisher on c was cancelled at the deadline");
    }

    @Test
    @Order(7)
    void killingTheCallersNodeCancelsThePublisherOnTheServingNode() throws Exception {
        FrameClient onB = login(b);
        long cancelledBefore = c.streams().cancelled();
        onB.send(new RpcRequest(true, 9, 0, "streams.forever", "[\"orphan\"]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onB.next(f -> f instanceof StreamOpen o && o.callId() == 9);
        onB.send(new StreamCredit(open.streamId(), 2));
        onB.next(StreamData.class);

        b.process().destroyForcibly(); // SIGKILL: nobody reads the stream any more
        b.process().waitFor(30, TimeUnit.SECONDS);
        awaitTrue(() -> c.streams().cancelled() > cancelledBefore, "the publisher on c was cancelled when b died");
    }

    @Test
    @Order(8)
    void killingTheServingNodeMidStreamFailsTheCallWithProviderGone() throws Exception {
        FrameClient onA = login(a);
        onA.send(new RpcRequest(true, 5, 0, "streams.forever", "[\"doomed\"]".getBytes(StandardCharsets.UTF_8)));
        StreamOpen open = onA.next(f -> f instanceof StreamOpen o && o.callId() == 5);
        onA.send(new StreamCredit(open.streamId(), 4));
        for (int i = 0; i < 4; i++) {
            onA.next(StreamData.class);
        }

        c.process().destroyForcibly(); // SIGKILL: c says nothing more
        c.process().waitFor(30, TimeUnit.SECONDS);
        RpcError error = onA.next(f -> f instanceof RpcError e && e.callId() == 5);
        assertThat(error.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        // The link to c breaks with c's process, before Hazelcast takes c out: either may be told.
        assertThat(error.message()).containsAnyOf("node c left the cluster", "node c broke").contains("streams.forever");
    }

    // ---------------------------------------------------------------- helpers

    private static void awaitTrue(ChildNode.Condition condition, String what) throws Exception {
        ChildNode.awaitTrue(condition, what, CONVERGE);
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        FrameClient client = node.login();
        clients.add(client);
        return client;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
