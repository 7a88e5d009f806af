package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.CallOptions;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.stream.SenderCredit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A streamed result on a connection that also carries calls (docs/protocol.md 6.4.3, rule 7),
 * against a played node: while a call with a deadline waits for its answer, the client keeps the
 * stream to an eighth of its high-water mark.
 */
class SharedConnectionTest {
    private static final long STREAM = 2;
    private static final int H = 1024;
    private static final int ITEM = 64;
    private final PlayedNode node = new PlayedNode();

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    /** Subscribes to a bytes-mode streamed result with window {@link #H}, opens it, and returns its call. */
    private RpcRequest openStream(RecordingSubscriber<byte[]> subscriber) {
        Flow.Publisher<byte[]> blocks = node.client.callStream("blocks.of", new Object[] {ITEM}, byte[].class,
                CallOptions.defaults().withStreamHighWaterMark(H));
        blocks.subscribe(subscriber);
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0, ""));
        assertThat(node.next(StreamCredit.class).credit()).as("the first grant is the whole window").isEqualTo(H);
        subscriber.request(Long.MAX_VALUE);
        return call;
    }

    /**
     * Sends {@code count} items as the node would, within its credit, taking the client's grants
     * as they come; returns the most credit the node held once the first window was used up.
     */
    private int stream(SenderCredit nodeCredit, int count) {
        int most = 0;
        for (int sent = 0; sent < count; sent++) {
            assertThat(nodeCredit.take(ITEM)).as("item %d fits the node's credit", sent)
                    .isEqualTo(SenderCredit.Verdict.SEND);
            node.send(new StreamData(false, STREAM, new byte[ITEM]));
            Frame f;
            while ((f = node.poll()) != null) {
                nodeCredit.grant(((StreamCredit) f).credit());
            }
            if ((sent + 1) * ITEM >= H) {
                most = Math.max(most, nodeCredit.credit());
            }
        }
        return most;
    }

    /** Ends the stream and answers its call; checks that the final return pays every item back. */
    private void finish(RpcRequest call, SenderCredit nodeCredit, RecordingSubscriber<byte[]> subscriber, int count) {
        node.send(new StreamEnd(STREAM), new RpcResponse(call.callId(), "null".getBytes(StandardCharsets.UTF_8)));
        Frame last = node.poll(); // none when the last item's return was already due under rule 3
        if (last != null) {
            nodeCredit.grant(((StreamCredit) last).credit());
        }
        assertThat(nodeCredit.allPaidBack()).as("every item paid back in the end").isTrue();
        assertThat(subscriber.done).isCompleted();
        assertThat(subscriber.items).hasSize(count);
    }

    @Test
    void whileACallWaitsForItsAnswerTheStreamKeepsToAnEighthOfItsWindowAndStillCompletes() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<byte[]> subscriber = new RecordingSubscriber<>();
        RpcRequest streamed = openStream(subscriber);
        CompletableFuture<String> waiting = node.client.call("echo.echo", List.of("hi"), String.class);
        RpcRequest plain = node.next(RpcRequest.class);
        assertThat(plain.timeoutMillis()).as("a call with the client's default deadline").isPositive();

        SenderCredit nodeCredit = new SenderCredit();
        nodeCredit.grant(H);
        int count = 20 * H / ITEM;
        assertThat(stream(nodeCredit, count)).as("credit the node holds once the share applies")
                .isLessThanOrEqualTo(H / 8);

        finish(streamed, nodeCredit, subscriber, count);
        assertThat(waiting).as("the call that never answers").isNotDone();
        node.noMoreOutbound();
    }

    @Test
    void aCallWithoutDeadlineDoesNotHoldTheStreamBack() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<byte[]> subscriber = new RecordingSubscriber<>();
        RpcRequest streamed = openStream(subscriber);
        CompletableFuture<String> waiting = node.client.call("echo.echo", List.of("hi"), String.class,
                CallOptions.noTimeout());
        assertThat(node.next(RpcRequest.class).timeoutMillis()).isZero();

        SenderCredit nodeCredit = new SenderCredit();
        nodeCredit.grant(H);
        int count = 20 * H / ITEM;
        assertThat(stream(nodeCredit, count)).as("rule 3 alone: the credit comes back at half the window")
                .isGreaterThan(H / 2);

        finish(streamed, nodeCredit, subscriber, count);
        assertThat(waiting).isNotDone();
        node.noMoreOutbound();
    }
}
