package io.aldis.feature.rpc.internal.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.RecordingStreams;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.SessionReply;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.node.SessionState;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the RPC feature forwards calls of a provider's streaming methods through the stream SPI
 * (docs/protocol.md 6.4.1, 6.4.8): with STREAMS only when both sessions take streams, the relay set
 * up before the call goes out, the provider's answer given to the caller's stream once it opened.
 */
class ClientProvidersRelayTest {
    private static final String FEED = "{\"methods\":[{\"name\":\"ticks\",\"params\":[\"n: long\"],"
            + "\"result\":\"Stream<Long>\"},{\"name\":\"store\",\"params\":[\"blocks: Stream<bytes>\"],"
            + "\"result\":\"long\",\"stream\":{\"creditMode\":\"bytes\",\"highWaterMark\":4096}},"
            + "{\"name\":\"plain\",\"params\":[\"a: int\"],\"result\":\"int\"}]}";

    private final Calls calls = new Calls(() -> 256, () -> 0);
    private final RecordingSession provider = new RecordingSession("pat").resumeKey("pat-key");
    private final RecordingSession caller = new RecordingSession("cal");
    private final RecordingStreams streams = new RecordingStreams().only();
    private final ClientProviders providers = new ClientProviders(calls, () -> null, name -> false, () -> true,
            () -> streams);

    @AfterEach
    void close() {
        calls.close();
    }

    private Call call(long id, String method, String params, boolean withStreams) throws Exception {
        if (providers.of("feed").isEmpty()) {
            providers.provide(provider, new ServiceProvide(1, "feed", FEED));
            provider.next(Ack.class);
        }
        Call call = calls.open(caller, id, method, params.getBytes(StandardCharsets.UTF_8), 0, withStreams, 10,
                new SessionReply(caller));
        providers.forward(call, providers.of("feed"));
        return call;
    }

    /** A call forwarded between two sessions that take streams: the provider's RPC_REQUEST. */
    private RpcRequest forwardedWithStreams(long id, String method, String params) throws Exception {
        streams.streaming.add(caller);
        streams.streaming.add(provider);
        call(id, method, params, true);
        return provider.next(RpcRequest.class);
    }

    /** The provider's connection breaks; its client may resume the session. */
    private void breakConnection(RecordingSession session) {
        session.state(SessionState.CLOSED);
        providers.sessionClosed(session);
    }

    /** A session that resumed the provider's, with its resume key. */
    private static RecordingSession resumedProvider() {
        return new RecordingSession("pat").resumeKey("pat-key");
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStreamedCallIsForwardedWithStreamsAfterItsRelayAndItsAnswerGoesOnTheCallersStream() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(42, "feed.ticks", "[3]");
        assertThat(forwarded.streams()).isTrue();
        assertThat(streams.relay.forwardedCallId).isEqualTo(forwarded.callId());
        assertThat(streams.relay.declared.method()).isEqualTo("feed.ticks");
        assertThat(streams.relay.declared.direction()).isEqualTo(StreamDirection.CALLEE_TO_CALLER);

        RecordingStreams.Stream callerStream = streams.relay.callerStreamOpens();
        providers.answered(provider, forwarded.callId(), json("null"));
        assertThat(callerStream.answers).as("on the caller's stream, which orders it after the items")
                .singleElement().isInstanceOf(RpcResponse.class);
        assertThat(((RpcResponse) callerStream.answers.get(0)).callId()).isEqualTo(42);
        assertThat(streams.relay.closedWith).as("the provider's answer closes the relay").isZero();
    }

    @Test
    void aProvidersErrorAlsoGoesOnTheCallersStreamAndClosesTheRelayAsAnswered() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(49, "feed.ticks", "[3]");
        RecordingStreams.Stream callerStream = streams.relay.callerStreamOpens();
        providers.failed(provider, forwarded.callId(), ErrorCode.STREAM_FAILED.code(), "sensor offline", "");
        assertThat(callerStream.answers).singleElement().isInstanceOf(RpcError.class);
        assertThat(streams.relay.closedWith).isZero();
    }

    @Test
    void aProviderThatAnsweredWithoutAStreamIsAnsweredOnTheCallersSession() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(50, "feed.ticks", "[3]");
        providers.answered(provider, forwarded.callId(), json("[0,1,2]"));
        assertThat(caller.next(RpcResponse.class).callId()).isEqualTo(50);
        assertThat(streams.relay.closedWith).isZero();
    }

    @Test
    void theDeclaredCreditOfAStreamedParameterGoesToTheRelay() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(43, "feed.store", "[null]");
        assertThat(forwarded.streams()).isTrue();
        assertThat(streams.relay.declared.direction()).isEqualTo(StreamDirection.CALLER_TO_CALLEE);
        assertThat(streams.relay.declared.creditMode()).isEqualTo(CreditMode.BYTES);
        assertThat(streams.relay.declared.highWaterMark()).isEqualTo(4096);
        providers.answered(provider, forwarded.callId(), json("7"));
        assertThat(caller.next(RpcResponse.class).callId()).isEqualTo(43);
    }

    @Test
    void theStreamFailingFailsTheCallWithItsCodeAndTheProvidersLaterErrorFindsNoCall() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(44, "feed.ticks", "[3]");
        streams.relay.listener.failed(ErrorCode.STREAM_FAILED.code(), "sensor offline");
        RpcError error = caller.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(streams.relay.closedWith).isEqualTo(ErrorCode.STREAM_FAILED.code());
        providers.failed(provider, forwarded.callId(), ErrorCode.STREAM_FAILED.code(), "sensor offline", "");
        assertThat(caller.pending()).as("one answer").isEmpty();
    }

    @Test
    void aCancelOfTheCallClosesTheRelayAndTellsTheProvider() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(45, "feed.ticks", "[3]");
        Call call = calls.find(caller, 45);
        calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
        assertThat(streams.relay.closedWith).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(provider.next(RpcCancel.class).callId()).isEqualTo(forwarded.callId());
    }

    @Test
    void withoutStreamsOnEitherSideOrForAPlainMethodTheCallGoesWithoutThem() throws Exception {
        streams.streaming.add(caller);
        call(46, "feed.ticks", "[3]", true);
        assertThat(provider.next(RpcRequest.class).streams()).as("the provider takes no streams").isFalse();
        streams.streaming.add(provider);
        call(47, "feed.ticks", "[3]", false);
        assertThat(provider.next(RpcRequest.class).streams()).as("the caller asked for none").isFalse();
        call(48, "feed.plain", "[3]", true);
        assertThat(provider.next(RpcRequest.class).streams()).as("a method that does not stream").isFalse();
        assertThat(streams.relay).as("no relay for any of them").isNull();
    }

    @Test
    void aCallWhoseStreamIsOpenWaitsForTheProvidersResumedSessionAndIsAnsweredFromIt() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(51, "feed.ticks", "[3]");
        RecordingStreams.Stream callerStream = streams.relay.callerStreamOpens();
        breakConnection(provider);
        assertThat(callerStream.answers).as("the call waits for the provider").isEmpty();
        assertThat(streams.relay.closedWith).isEqualTo(Integer.MIN_VALUE);

        RecordingSession resumed = resumedProvider();
        providers.answered(resumed, forwarded.callId(), json("null"));
        assertThat(callerStream.answers).singleElement().isInstanceOf(RpcResponse.class);
        assertThat(streams.relay.closedWith).isZero();
    }

    @Test
    void aCancelOfACallTakenOverByTheResumedProviderReachesThatSession() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(52, "feed.ticks", "[3]");
        Call call = calls.find(caller, 52);
        streams.relay.callerStreamOpens();
        breakConnection(provider);
        RecordingSession resumed = resumedProvider();
        providers.sessionOpened(resumed);

        calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
        assertThat(resumed.next(RpcCancel.class).callId()).isEqualTo(forwarded.callId());
    }

    @Test
    void aCallWithoutAnOpenStreamFailsWithProviderGoneWhenTheProvidersConnectionBreaks() throws Exception {
        forwardedWithStreams(53, "feed.ticks", "[3]");
        breakConnection(provider);
        assertThat(caller.next(RpcError.class).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
    }

    @Test
    void aCallTakenOverByAResumedProviderIsKeptAgainAtItsNextBreak() throws Exception {
        RpcRequest forwarded = forwardedWithStreams(54, "feed.ticks", "[3]");
        RecordingStreams.Stream callerStream = streams.relay.callerStreamOpens();
        breakConnection(provider);
        RecordingSession second = resumedProvider();
        providers.sessionOpened(second);
        breakConnection(second);
        assertThat(callerStream.answers).as("still waiting for the provider").isEmpty();

        RecordingSession third = resumedProvider();
        providers.answered(third, forwarded.callId(), json("null"));
        assertThat(callerStream.answers).singleElement().isInstanceOf(RpcResponse.class);
    }
}
