package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamOpen;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One session opening streams in a flood, and opening and cancelling them in a loop (the HTTP/2
 * "rapid reset" attack): bounded by the streams per session (STREAM_LIMIT) and by the cancel rate
 * (closed with RATE_LIMITED), while another session's stream runs to its end and the bystander is
 * served.
 */
@ExtendWith(LeakWatch.class)
class StreamChurnTest {
    private NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private void start(StreamingSettings streaming) throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user").pubsub().rpc().streaming(streaming)
                .start();
        node.export("streams", new Streams.Impl(), Streams.Api.class);
    }

    @Test
    void streamOpensPastTheSessionsLimitFailWithStreamLimit() throws Exception {
        int limit = 4;
        int flood = 500;
        start(StreamingSettings.defaults().withMaxStreamsPerSession(limit));
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            bystander.during(10, () -> {
                for (int callId = 1; callId <= flood; callId++) {
                    mallory.write(streamedCall(callId, "streams.forever", "[\"x\"]"));
                }
                mallory.flush();
            });
            int opened = 0;
            for (int callId = 1; callId <= flood; callId++) {
                long id = callId;
                Frame f = mallory.next(x -> x instanceof StreamOpen o && o.callId() == id
                        || x instanceof RpcError e && e.callId() == id);
                if (f instanceof StreamOpen) {
                    opened++;
                } else {
                    // Past the session's streams the call fails with STREAM_LIMIT; while the flood
                    // arrives faster than the workers refuse it, calls past the session's calls in
                    // flight (maxCallsPerSession) are answered BUSY first. Both are the node's limits.
                    assertThat(((RpcError) f).code()).isIn(ErrorCode.STREAM_LIMIT.code(), ErrorCode.BUSY.code());
                }
            }
            assertThat(opened).isEqualTo(limit);
            countToTheEnd(bystander.client(), 1, 50);
            bystander.rounds(5);
        }
    }

    @Test
    void openingAndCancellingStreamsInALoopIsClosedWithRateLimited() throws Exception {
        start(StreamingSettings.defaults().withRapidReset(50, 60_000));
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            Close[] closed = new Close[1];
            bystander.during(10, () -> {
                for (long callId = 1; closed[0] == null; callId++) {
                    mallory.send(streamedCall(callId, "streams.forever", "[\"x\"]"));
                    long id = callId;
                    Frame f = mallory.next(x -> x instanceof StreamOpen o && o.callId() == id || x instanceof Close);
                    if (f instanceof Close c) {
                        closed[0] = c;
                    } else {
                        mallory.send(new StreamCancel(((StreamOpen) f).streamId()));
                    }
                    assertThat(callId).as("closed within the configured rate").isLessThan(1_000);
                }
            });
            assertThat(closed[0].code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            countToTheEnd(bystander.client(), 1, 50);
            bystander.rounds(5);
        }
    }

    private static RpcRequest streamedCall(long callId, String method, String params) {
        return new RpcRequest(true, callId, 0, method, params.getBytes(StandardCharsets.UTF_8));
    }

    /** A stream of {@code n} numbers that must arrive whole and in order, then the call's answer. */
    private static void countToTheEnd(FrameClient c, long callId, int n) throws IOException {
        c.send(streamedCall(callId, "streams.count", "[" + n + "]"));
        StreamOpen open = c.next(x -> x instanceof StreamOpen o && o.callId() == callId);
        c.send(new StreamCredit(open.streamId(), n));
        int expected = 0;
        while (true) {
            Frame f = c.next(x -> x instanceof StreamData d && d.streamId() == open.streamId()
                    || x instanceof StreamEnd e && e.streamId() == open.streamId());
            if (f instanceof StreamData d) {
                assertThat(new String(d.item(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(expected++));
                if (d.last()) {
                    break;
                }
            } else {
                break;
            }
        }
        assertThat(expected).isEqualTo(n);
        c.next(x -> x instanceof RpcResponse r && r.callId() == callId);
    }
}
