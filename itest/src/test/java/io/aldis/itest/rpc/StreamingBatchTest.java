package io.aldis.itest.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.ServiceProvide;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streaming methods called by a caller that takes no streams, or on a node without the streaming
 * feature (docs/protocol.md 6.4.1): results come as one JSON array, streamed parameters are
 * given as arrays, and what cannot be batched fails in clear words.
 */
@ExtendWith(LeakWatch.class)
class StreamingBatchTest {
    private static final String ALICE = "alice";

    private NodeFixture node;
    private FrameClient alice;
    private final Streams.Impl streams = new Streams.Impl();

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").rpc()
                .loginCapabilities(Capability.RPC.mask() | Capability.STREAMS.mask()).start();
        node.export("streams", streams, Streams.Api.class);
        alice = node.login(ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        alice.close();
        node.close();
    }

    private void callWithStreams(long callId, String method, String params) throws Exception {
        alice.send(new RpcRequest(true, callId, 0, method, params.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStreamedResultComesAsOneArrayWithOrWithoutTheStreamsFlag() throws Exception {
        assertThat(Capability.fromMask(alice.connectAck().capabilities())).doesNotContain(Capability.STREAMS);
        alice.call(1, "streams.count", "[5]", 0);
        assertThat(alice.callResult(1)).isEqualTo("[0,1,2,3,4]");
        callWithStreams(2, "streams.count", "[3]");
        assertThat(alice.callResult(2)).isEqualTo("[0,1,2]");
        alice.call(3, "streams.count", "[0]", 0);
        assertThat(alice.callResult(3)).isEqualTo("[]");
    }

    @Test
    void bytesItemsAreArraysOfIntegersInABatch() throws Exception {
        alice.call(1, "streams.blocks", "[3, 2]", 0);
        assertThat(alice.callResult(1)).isEqualTo("[[0,0],[1,1],[2,2]]");
        alice.call(2, "streams.store", "[\"f\", [[1,2,3],[255],[]]]", 0);
        assertThat(alice.callResult(2)).isEqualTo("4");
    }

    @Test
    void aStreamedParameterIsGivenAsAnArrayAndCheckedAsOne() throws Exception {
        alice.call(1, "streams.sum", "[[1, 2, 3, 10000000000]]", 0);
        assertThat(alice.callResult(1)).isEqualTo("10000000006");
        alice.call(2, "streams.sum", "{\"values\": [4]}", 0);
        assertThat(alice.callResult(2)).isEqualTo("4");
        alice.call(3, "streams.sum", "[[1, \"two\"]]", 0);
        RpcError invalid = alice.callError(3);
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(invalid.message()).contains("values[1]").contains("expected an integer");
        alice.call(5, "streams.sum", "[[1, null]]", 0);
        RpcError nullItem = alice.callError(5);
        assertThat(nullItem.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(nullItem.message()).contains("values[1]").contains("cannot be null");
        alice.call(4, "streams.shout", "[[\"a\", \"b\"]]", 0);
        assertThat(alice.callResult(4)).isEqualTo("[\"A\",\"B\"]");
    }

    @Test
    void aStreamedParameterCannotBeTakenWithStreamsWhenTheNodeDoesNotStream() throws Exception {
        callWithStreams(1, "streams.sum", "[null]");
        RpcError error = alice.callError(1);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAMING_UNAVAILABLE.code());
        assertThat(error.message()).contains("without streams").contains("'values'");
    }

    @Test
    void aResultTooLargeForOneFrameFailsNamingTheLimitAndReleasesTheProducer() throws Exception {
        alice.call(1, "streams.forever", "[\"" + "x".repeat(100) + "\"]", 0);
        RpcError error = alice.callError(1);
        assertThat(error.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code());
        assertThat(error.message()).contains("maxFrameSize").contains(String.valueOf(alice.connectAck().maxFrameSize() - 10));
        assertThat(streams.cancelled.get()).isEqualTo(1);
        alice.call(2, "streams.count", "[1]", 0);
        assertThat(alice.callResult(2)).isEqualTo("[0]");
    }

    @Test
    void aFailingPublisherFailsTheCallAsStreamProcessingFailed() throws Exception {
        alice.call(1, "streams.failing", "[]", 0);
        RpcError error = alice.callError(1);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).isEqualTo("stream processing failed: disk on fire");
    }

    @Test
    void aMethodWithTwoStreamedParametersIsNotExported() throws Exception {
        alice.call(1, "streams.merge", "[[], []]", 0);
        assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
    }

    @Test
    void aProvidersStreamingMethodsAreDescribedAndCheckedAsArrays() throws Exception {
        try (FrameClient provider = node.login(ALICE)) {
            provider.send(new ServiceProvide(1, "bad", "{\"methods\":[{\"name\":\"m\",\"params\":[\"a: Stream<int>\","
                    + "\"b: Stream<int>\"],\"result\":\"int\"}]}"));
            assertThat(provider.<ErrorFrame>next(ErrorFrame.class).message()).contains("at most one may stream");
            provider.send(new ServiceProvide(2, "bad", "{\"methods\":[{\"name\":\"m\",\"params\":[\"a: int\"],"
                    + "\"result\":\"int\",\"stream\":{\"creditMode\":\"items\"}}]}"));
            assertThat(provider.<ErrorFrame>next(ErrorFrame.class).message()).contains("streams nothing");
            provider.send(new ServiceProvide(3, "bad", "{\"methods\":[{\"name\":\"m\",\"params\":[\"a: Stream<bytes>\"],"
                    + "\"result\":\"long\",\"stream\":{\"creditMode\":\"bytes\"}}]}"));
            assertThat(provider.<ErrorFrame>next(ErrorFrame.class).message()).contains("needs a highWaterMark");
            provider.send(new ServiceProvide(4, "store", "{\"methods\":[{\"name\":\"put\",\"params\":"
                    + "[\"name: String\", \"values: Stream<int>\"],\"result\":\"long\"}]}"));
            assertThat(provider.next(Ack.class)).isNotNull();

            callWithStreams(1, "store.put", "[\"x\", null]");
            assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.STREAMING_UNAVAILABLE.code());
            alice.call(2, "store.put", "[\"x\", [1, \"2\"]]", 0);
            assertThat(alice.callError(2).code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            alice.call(3, "store.put", "[\"x\", [1, 2]]", 0);
            Frame forwarded = provider.next(RpcRequest.class);
            assertThat(((RpcRequest) forwarded).streams()).isFalse();
            assertThat(new String(((RpcRequest) forwarded).params(), StandardCharsets.UTF_8)).isEqualTo("[\"x\", [1, 2]]");
        }
    }
}
