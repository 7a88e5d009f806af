package io.aldis.feature.streaming.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.feature.streaming.internal.streams.NodeStream;
import io.aldis.feature.streaming.internal.streams.StreamRig;
import io.aldis.feature.streaming.internal.streams.TestSession;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The relay of a forwarded call's stream (docs/protocol.md 6.4.8) between two sessions of the
 * rig: the provider's STREAM_OPEN, the node's grants on each connection, items passed on as the
 * next connection's credit allows, and ends crossing over.
 */
class RelayTest {
    private static final long CALLER_CALL = 7;
    private static final long FORWARDED = 1;
    private static final long PROVIDER_STREAM = 11;

    private static final int WINDOW = 5_000;

    private final StreamRig rig = new StreamRig(StreamingSettings.defaults().withResumeWindowMillis(WINDOW));
    private final TestSession caller = TestSession.withStreams();
    private final TestSession provider = TestSession.withStreams();
    private final Told told = new Told();

    /** What the RPC feature's listener was told. */
    static final class Told implements CallStreamListener {
        final List<String> events = new ArrayList<>();
        int code;
        /** The caller's stream, through which the provider's answer goes. */
        CallStream stream;

        @Override
        public void opened(CallStream opened) {
            stream = opened;
        }

        @Override
        public void ended() {
            events.add("ended");
        }

        @Override
        public void failed(int failedCode, String message) {
            events.add("failed");
            code = failedCode;
        }
    }

    private StreamRelay relay(StreamDirection direction, int highWaterMark) {
        return rig.streams.relay(caller, CALLER_CALL, provider, FORWARDED,
                new StreamSpec("feed.ticks", direction, CreditMode.ITEMS, null, highWaterMark), told);
    }

    private void providerOpens(StreamDirection direction, int initialCredit) {
        rig.streams.relays().opened(provider, new StreamOpen(PROVIDER_STREAM, FORWARDED, direction, CreditMode.ITEMS,
                initialCredit, ""));
        rig.settle(caller, provider);
    }

    private void fromProvider(Object frame) {
        rig.streams.relays().handle(provider, (io.aldis.protocol.api.Frame) frame);
        rig.settle(caller, provider);
    }

    private NodeStream callerSide() {
        StreamOpen open = caller.sent(StreamOpen.class).get(0);
        return rig.streams.find(caller, open.streamId());
    }

    private static byte[] item(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static List<Integer> numbers(List<StreamData> data) {
        return data.stream().map(d -> Integer.parseInt(new String(d.item(), StandardCharsets.US_ASCII))).toList();
    }

    private static int granted(List<StreamCredit> credits) {
        return credits.stream().mapToInt(StreamCredit::credit).sum();
    }

    /** A caller's side on another node: takes the provider's items as the test requests them. */
    static final class OtherNode implements CallStream {
        final List<Integer> items = new ArrayList<>();
        java.util.concurrent.Flow.Subscription subscription;
        Throwable failure;
        /** The caller's high-water mark its node passed on; 0 for none. */
        int mark;

        @Override
        public int receiverHighWaterMark() {
            return mark;
        }

        @Override
        public long streamId() {
            return CALLER_CALL;
        }

        @Override
        public void send(java.util.concurrent.Flow.Publisher<byte[]> published) {
            published.subscribe(new java.util.concurrent.Flow.Subscriber<byte[]>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    subscription = s;
                }

                @Override
                public void onNext(byte[] item) {
                    items.add(Integer.parseInt(new String(item, StandardCharsets.US_ASCII)));
                }

                @Override
                public void onError(Throwable error) {
                    failure = error;
                }

                @Override
                public void onComplete() {
                }
            });
        }

        @Override
        public java.util.concurrent.Flow.Publisher<byte[]> received() {
            throw new IllegalStateException("direction 1");
        }

        @Override
        public void answer(io.aldis.protocol.api.Frame frame) {
        }

        @Override
        public void close(int code, String message) {
        }
    }

    @Test
    void towardAnotherNodeTheProviderIsGrantedOnlyWhatThatNodeRequestedAndNothingBeyondIsTaken() {
        OtherNode other = new OtherNode();
        rig.streams.relay((spec, listener) -> other, provider, FORWARDED,
                new StreamSpec("feed.ticks", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), told);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        assertThat(caller.sent()).as("no stream of a session here").isEmpty();
        other.subscription.request(4);
        rig.settle(provider);
        assertThat(provider.sent(StreamCredit.class)).extracting(StreamCredit::credit).containsExactly(4);
        for (int i = 0; i < 4; i++) {
            fromProvider(new StreamData(false, PROVIDER_STREAM, item(i)));
        }
        assertThat(other.items).containsExactly(0, 1, 2, 3);
        // Handed on, but the other node asked for no more: the provider is granted nothing more.
        assertThat(granted(provider.sent(StreamCredit.class))).isEqualTo(4);

        other.subscription.request(2);
        rig.settle(provider);
        assertThat(granted(provider.sent(StreamCredit.class))).isEqualTo(4 + 2);
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(4)));
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(5)));
        assertThat(other.items).containsExactly(0, 1, 2, 3, 4, 5);

        // An item beyond what was granted is the provider's fault, as on one node.
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(6)));
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(other.items).containsExactly(0, 1, 2, 3, 4, 5);
        // The fault is the provider's, not the caller's: the other node's caller fails with STREAM_FAILED (6.4.8).
        assertThat(other.failure).isInstanceOf(StreamFailure.class);
        assertThat(((StreamFailure) other.failure).code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(other.failure.getMessage()).isEqualTo("stream processing failed: the provider's stream ended with "
                + "STREAM_CREDIT_EXCEEDED: " + provider.sent(StreamError.class).get(0).message());
    }

    @Test
    void inBytesModeTheProviderIsGrantedTheMarkOfTheCallerOnTheOtherNode() {
        OtherNode other = new OtherNode();
        other.mark = 100;
        rig.streams.relay((spec, listener) -> other, provider, FORWARDED,
                new StreamSpec("feed.blocks", StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, null, 0), told);
        rig.streams.relays().opened(provider, new StreamOpen(PROVIDER_STREAM, FORWARDED,
                StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0, ""));
        rig.settle(provider);
        other.subscription.request(1);
        rig.settle(provider);
        assertThat(provider.sent(StreamCredit.class)).extracting(StreamCredit::credit).containsExactly(100);
        // An item too large for the caller's window is the provider's fault here, not a failure there.
        fromProvider(new StreamData(false, PROVIDER_STREAM, new byte[150]));
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.STREAM_ITEM_TOO_LARGE.code());
        assertThat(other.items).isEmpty();
        assertThat(((StreamFailure) other.failure).code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
    }

    @Test
    void inBytesModeWithoutTheCallersMarkTheProviderIsGrantedItsLargestFrame() {
        OtherNode other = new OtherNode();
        rig.streams.relay((spec, listener) -> other, provider, FORWARDED,
                new StreamSpec("feed.blocks", StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, null, 0), told);
        rig.streams.relays().opened(provider, new StreamOpen(PROVIDER_STREAM, FORWARDED,
                StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0, ""));
        rig.settle(provider);
        other.subscription.request(1);
        rig.settle(provider);
        // A caller's node of an older version passes no mark on.
        assertThat(provider.sent(StreamCredit.class)).extracting(StreamCredit::credit)
                .containsExactly(provider.limits().maxFrameSize());
    }

    @Test
    void theNodeGrantsTheProviderTheCallersMarkOnlyAfterTheCallerGrantedIt() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        StreamOpen open = caller.sent(StreamOpen.class).get(0);
        assertThat(open.callId()).isEqualTo(CALLER_CALL);
        assertThat(open.streamId() % 2).as("the node's own, even id").isZero();
        assertThat(open.direction()).isEqualTo(StreamDirection.CALLEE_TO_CALLER);
        assertThat(provider.sent(StreamCredit.class)).as("nothing before the caller's grant").isEmpty();

        callerSide().credit(4);
        rig.settle(caller, provider);
        assertThat(provider.sent(StreamCredit.class)).extracting(StreamCredit::credit).containsExactly(4);
    }

    @Test
    void itemsPassOnWithinTheCallersCreditAndTheProviderIsPaidOnlyAsTheyLeave() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, provider);
        for (int i = 0; i < 8; i++) {
            fromProvider(new StreamData(false, PROVIDER_STREAM, item(i)));
        }
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1, 2, 3);
        // The four that left were paid back; the four held wait for the caller's credit.
        assertThat(granted(provider.sent(StreamCredit.class))).isEqualTo(4 + 4);

        callerSide().credit(2);
        rig.settle(caller, provider);
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(granted(provider.sent(StreamCredit.class))).isEqualTo(4 + 4 + 2);
        assertThat(told.events).isEmpty();
    }

    @Test
    void aProviderBeyondTheNodesCreditIsStoppedAndTheCallersStreamFails() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(2);
        rig.settle(caller, provider);
        for (int i = 0; i < 5; i++) {
            fromProvider(new StreamData(false, PROVIDER_STREAM, item(i)));
        }
        // 2 left for the caller and were paid back, 2 are held: the fifth is beyond the grant.
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(caller.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.STREAM_FAILED.code());
        assertThat(told.events).containsExactly("failed");
        assertThat(told.code).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(rig.streams.relays().openStreams()).isZero();
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1);
    }

    @Test
    void aProviderThatAnswersAfterTheCallerHadAllItsItemsGetsTheFinalReturnThen() {
        StreamRelay relay = relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(8);
        rig.settle(caller, provider);
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(0)));
        fromProvider(new StreamData(true, PROVIDER_STREAM, item(1)));
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1);
        assertThat(granted(provider.sent(StreamCredit.class))).as("the first grant only, before the answer")
                .isEqualTo(8);

        relay.close(0, "");
        rig.settle(caller, provider);
        assertThat(granted(provider.sent(StreamCredit.class))).as("the final return, once answered").isEqualTo(8 + 2);
        assertThat(rig.streams.relays().openStreams()).isZero();
    }

    /**
     * The provider sends three items and answers once it sent them, while the caller has credit for
     * two of them only: the node holds the third, and the answer is given to the caller's stream.
     */
    private void providerAnswersWithAnItemHeld() {
        StreamRelay relay = relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(2);
        rig.settle(caller, provider);
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(0)));
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(1)));
        fromProvider(new StreamData(true, PROVIDER_STREAM, item(2)));
        relay.close(0, "");
        told.stream.answer(new RpcResponse(CALLER_CALL, "null".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(caller, provider);
    }

    @Test
    void theProvidersAnswerGoesOnTheCallersStreamAfterTheItemsTheNodeStillHoldsThenTheFinalReturnGoesBack() {
        providerAnswersWithAnItemHeld();
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1);
        assertThat(caller.sent(RpcResponse.class)).as("the answer waits for the item held").isEmpty();

        callerSide().credit(2);
        rig.settle(caller, provider);
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1, 2);
        assertThat(caller.sent()).last().isInstanceOf(RpcResponse.class);
        assertThat(told.events).containsExactly("ended");
        assertThat(granted(provider.sent(StreamCredit.class))).as("every item paid back, the last once answered")
                .isEqualTo(2 + 3);
        assertThat(rig.streams.relays().openStreams()).isZero();
    }

    @Test
    void aProviderThatAnswersWithoutAStreamLeavesTheCallerWithoutOne() {
        StreamRelay relay = relay(StreamDirection.CALLEE_TO_CALLER, 0);
        relay.close(0, "");
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        assertThat(caller.sent(StreamOpen.class)).isEmpty();
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.PROTOCOL_ERROR.code());
    }

    @Test
    void theCallersItemsGoToTheProviderWithinItsCreditUnderItsMark() {
        relay(StreamDirection.CALLER_TO_CALLEE, 64);
        providerOpens(StreamDirection.CALLER_TO_CALLEE, 3);
        StreamOpen open = caller.sent(StreamOpen.class).get(0);
        assertThat(open.initialCredit()).as("the provider's mark, not above it").isEqualTo(3);
        NodeStream stream = callerSide();
        stream.data(new StreamData(false, open.streamId(), item(0)));
        stream.data(new StreamData(false, open.streamId(), item(1)));
        stream.data(new StreamData(false, open.streamId(), item(2)));
        rig.settle(caller, provider);
        assertThat(numbers(provider.sent(StreamData.class))).containsExactly(0, 1, 2);
        assertThat(granted(caller.sent(StreamCredit.class))).as("paid back as they left").isEqualTo(2);

        fromProvider(new StreamCredit(PROVIDER_STREAM, 2));
        stream.data(new StreamData(true, open.streamId(), item(3)));
        rig.settle(caller, provider);
        assertThat(numbers(provider.sent(StreamData.class))).containsExactly(0, 1, 2, 3);
        assertThat(provider.sent(StreamEnd.class)).hasSize(1);
    }

    @Test
    void aCallersCancelBecomesAStreamCancelToTheProviderAndFailsTheCall() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, provider);
        callerSide().cancelledByCaller();
        rig.settle(caller, provider);
        assertThat(provider.sent(StreamCancel.class)).extracting(StreamCancel::streamId).containsExactly(PROVIDER_STREAM);
        assertThat(provider.sent(StreamError.class)).isEmpty();
        assertThat(told.code).isEqualTo(ErrorCode.CANCELLED.code());
    }

    @Test
    void aProvidersStreamErrorReachesTheCallerWithItsCode() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, provider);
        fromProvider(new StreamError(PROVIDER_STREAM, ErrorCode.STREAM_FAILED.code(), "sensor offline"));
        StreamError error = caller.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).isEqualTo("sensor offline");
        assertThat(told.code).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(provider.sent(StreamError.class)).as("not echoed back").isEmpty();
    }

    @Test
    void aStreamOpenThatIsNotTheDeclaredStreamIsRefusedAndTheCallFails() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.BIDIRECTIONAL, 4);
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(caller.sent(StreamOpen.class)).isEmpty();
        assertThat(told.code).isEqualTo(ErrorCode.STREAM_FAILED.code());
    }

    @Test
    void anEvenIdOrASecondOpenForTheCallIsRefusedWithProtocolError() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        rig.streams.relays().opened(provider, new StreamOpen(12, FORWARDED, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, ""));
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        rig.streams.relays().opened(provider, new StreamOpen(13, FORWARDED, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, ""));
        // On the streams offered: an ERROR would carry the node's call id, which the provider takes for its own.
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::streamId).containsExactly(12L, 13L);
        assertThat(provider.sent(ErrorFrame.class)).isEmpty();
        assertThat(caller.sent(StreamOpen.class)).hasSize(1);
    }

    @Test
    void theProviderLeavingFailsTheCallersStreamWithProviderGone() {
        relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        rig.streams.sessionClosed(provider);
        rig.settle(caller, provider);
        assertThat(caller.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.PROVIDER_GONE.code());
        assertThat(told.code).isEqualTo(ErrorCode.PROVIDER_GONE.code());
    }

    @Test
    void aCallThatEndsWithoutTheProvidersAnswerStopsBothStreams() {
        StreamRelay relay = relay(StreamDirection.CALLEE_TO_CALLER, 0);
        providerOpens(StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, provider);
        relay.close(ErrorCode.PROVIDER_GONE.code(), "the client providing feed withdrew it");
        rig.settle(caller, provider);
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.PROVIDER_GONE.code());
        assertThat(rig.streams.relays().openStreams()).isZero();
        assertThat(rig.streams.openStreams()).isZero();
        fromProvider(new StreamData(false, PROVIDER_STREAM, item(0)));
        assertThat(caller.sent(StreamData.class)).as("a late item is dropped").isEmpty();
    }

    @Test
    void theCallersStreamIsKeptAcrossItsBrokenConnectionWhileTheProviderGoesOnOnlyWithinTheCallersCredit() {
        TestSession first = TestSession.withStreams().resumable("caller");
        TestSession second = TestSession.withStreams().resumable("caller");
        StreamRelay relay = rig.streams.relay(first, CALLER_CALL, provider, FORWARDED,
                new StreamSpec("feed.ticks", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), told);
        rig.streams.relays().opened(provider, new StreamOpen(PROVIDER_STREAM, FORWARDED,
                StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        rig.settle(first, provider);
        NodeStream stream = rig.streams.find(first, first.sent(StreamOpen.class).get(0).streamId());
        stream.credit(4);
        rig.settle(first, provider);
        for (int i = 0; i < 4; i++) {
            rig.streams.relays().handle(provider, new StreamData(false, PROVIDER_STREAM, item(i)));
            rig.settle(first, provider);
        }
        assertThat(numbers(first.sent(StreamData.class))).containsExactly(0, 1, 2, 3);

        // The caller consumed 0 and 1; 2 and 3 are lost with its connection.
        first.broken();
        rig.streams.sessionClosed(first);
        rig.settle(first, provider);
        assertThat(rig.streams.keptStreams()).isOne();
        for (int i = 4; i < 8; i++) {
            rig.streams.relays().handle(provider, new StreamData(i == 7, PROVIDER_STREAM, item(i)));
            rig.settle(first, provider);
        }
        relay.close(0, "");
        told.stream.answer(new RpcResponse(CALLER_CALL, "null".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(first, provider);
        assertThat(provider.sent(StreamError.class)).isEmpty();
        assertThat(granted(provider.sent(StreamCredit.class))).as("the items that left paid back, no more")
                .isEqualTo(4 + 4);
        assertThat(told.events).isEmpty();

        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 2, 4, false));
        rig.settle(first, second, provider);
        assertThat(numbers(second.sent(StreamData.class))).containsExactly(2, 3, 4, 5);
        stream.credit(4);
        rig.settle(second, provider);
        assertThat(numbers(second.sent(StreamData.class))).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(second.sent()).last().isInstanceOf(RpcResponse.class);
        assertThat(first.sent(RpcResponse.class)).isEmpty();
        assertThat(told.events).containsExactly("ended");
        assertThat(granted(provider.sent(StreamCredit.class))).as("every item paid back").isEqualTo(4 + 8);
        assertThat(rig.streams.relays().openStreams()).isZero();
    }

    @Test
    void aCallerThatDoesNotComeBackWithinTheWindowEndsTheProvidersStream() {
        TestSession first = TestSession.withStreams().resumable("caller");
        rig.streams.relay(first, CALLER_CALL, provider, FORWARDED,
                new StreamSpec("feed.ticks", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), told);
        rig.streams.relays().opened(provider, new StreamOpen(PROVIDER_STREAM, FORWARDED,
                StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        rig.settle(first, provider);
        rig.streams.find(first, first.sent(StreamOpen.class).get(0).streamId()).credit(4);
        rig.settle(first, provider);
        first.broken();
        rig.streams.sessionClosed(first);
        rig.settle(first, provider);
        assertThat(provider.sent(StreamError.class)).isEmpty();

        first.advanceTimeBy(WINDOW);
        rig.settle(first, provider);
        assertThat(provider.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.CONNECTION_INTERRUPTED.code());
        assertThat(told.code).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED.code());
        assertThat(rig.streams.relays().openStreams()).isZero();
    }

    /** A relay of the caller's call to a provider whose session can be resumed, with the provider's stream open. */
    private StreamRelay relayTo(TestSession resumableProvider, StreamDirection direction, int initialCredit) {
        StreamRelay relay = rig.streams.relay(caller, CALLER_CALL, resumableProvider, FORWARDED,
                new StreamSpec("feed.ticks", direction, CreditMode.ITEMS, null, initialCredit), told);
        rig.streams.relays().opened(resumableProvider, new StreamOpen(PROVIDER_STREAM, FORWARDED, direction,
                CreditMode.ITEMS, initialCredit, ""));
        rig.settle(caller, resumableProvider);
        return relay;
    }

    /** The provider's side of the one relayed call, as operators see it. */
    private StreamRow providerRow() {
        return rig.streams.view().streams().stream().filter(StreamRow::providerSide).findFirst().orElseThrow();
    }

    private void breakConnection(TestSession session) {
        session.broken();
        rig.streams.sessionClosed(session);
        rig.settle(caller, session);
    }

    @Test
    void theProvidersStreamIsKeptAcrossItsBrokenConnectionAndItsResumedSessionSendsWhatTheNodeLacks() {
        TestSession first = TestSession.withStreams().resumable("provider");
        TestSession second = TestSession.withStreams().resumable("provider");
        relayTo(first, StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, first);
        rig.streams.relays().handle(first, new StreamData(false, PROVIDER_STREAM, item(0)));
        rig.streams.relays().handle(first, new StreamData(false, PROVIDER_STREAM, item(1)));
        rig.settle(caller, first);

        assertThat(providerRow().state()).isEqualTo("open");
        assertThat(providerRow().itemsReceived()).isEqualTo(2);
        breakConnection(first);
        assertThat(rig.streams.relays().keptStreams()).isOne();
        assertThat(providerRow().state()).as("listed while kept").isEqualTo("awaiting resume");
        assertThat(caller.sent(StreamError.class)).isEmpty();
        assertThat(told.events).isEmpty();

        rig.streams.resume(second, StreamResume.senderOnly(PROVIDER_STREAM));
        rig.settle(caller, first, second);
        assertThat(providerRow().state()).isEqualTo("open");
        assertThat(providerRow().sessionId()).as("on the resumed session").isEqualTo(second.id());
        StreamResume resume = second.sent(StreamResume.class).get(0);
        assertThat(resume.streamId()).isEqualTo(PROVIDER_STREAM);
        assertThat(resume.receiving()).isTrue();
        assertThat(resume.received()).as("the items the node has").isEqualTo(2);
        assertThat(resume.credit()).as("its whole window: it holds none of them").isEqualTo(4);
        rig.streams.relays().handle(second, new StreamData(false, PROVIDER_STREAM, item(2)));
        rig.streams.relays().handle(second, new StreamData(true, PROVIDER_STREAM, item(3)));
        rig.settle(caller, second);
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1, 2, 3);
        assertThat(told.events).containsExactly("ended");
        assertThat(rig.streams.relays().keptStreams()).isZero();
    }

    @Test
    void aProviderResumedTowardAnotherNodeGetsBackOnlyTheCreditThatNodeAskedFor() {
        TestSession first = TestSession.withStreams().resumable("provider");
        TestSession second = TestSession.withStreams().resumable("provider");
        OtherNode other = new OtherNode();
        rig.streams.relay((spec, listener) -> other, first, FORWARDED,
                new StreamSpec("feed.ticks", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0), told);
        rig.streams.relays().opened(first, new StreamOpen(PROVIDER_STREAM, FORWARDED, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, ""));
        rig.settle(first);
        other.subscription.request(4);
        rig.settle(first);
        rig.streams.relays().handle(first, new StreamData(false, PROVIDER_STREAM, item(0)));
        rig.settle(first);
        // Handed on, below half of the window: its credit is not due back, and the other node asked for no more.
        assertThat(other.items).containsExactly(0);
        assertThat(granted(first.sent(StreamCredit.class))).isEqualTo(4);

        breakConnection(first);
        rig.streams.resume(second, StreamResume.senderOnly(PROVIDER_STREAM));
        rig.settle(first, second);
        StreamResume resume = second.sent(StreamResume.class).get(0);
        assertThat(resume.received()).isEqualTo(1);
        assertThat(resume.credit()).as("the 3 the other node asked for and did not get, not the whole window")
                .isEqualTo(3);
        for (int i = 1; i < 4; i++) {
            rig.streams.relays().handle(second, new StreamData(false, PROVIDER_STREAM, item(i)));
        }
        rig.settle(second);
        assertThat(other.items).containsExactly(0, 1, 2, 3);
        assertThat(second.sent(StreamCredit.class)).as("nothing more asked").isEmpty();

        // The credit kept back goes to the provider as the other node asks again.
        other.subscription.request(2);
        rig.settle(second);
        assertThat(granted(second.sent(StreamCredit.class))).isEqualTo(2);
    }

    @Test
    void theCallersItemsTheProviderLostInItsBreakGoAgainToItsResumedSession() {
        TestSession first = TestSession.withStreams().resumable("provider");
        TestSession second = TestSession.withStreams().resumable("provider");
        relayTo(first, StreamDirection.CALLER_TO_CALLEE, 3);
        NodeStream stream = callerSide();
        long id = stream.streamId();
        for (int i = 0; i < 3; i++) {
            stream.data(new StreamData(false, id, item(i)));
        }
        rig.settle(caller, first);
        assertThat(numbers(first.sent(StreamData.class))).containsExactly(0, 1, 2);

        breakConnection(first);
        stream.data(new StreamData(true, id, item(3)));
        rig.settle(caller, first);
        assertThat(numbers(first.sent(StreamData.class))).as("nothing while the provider is away").hasSize(3);

        // The provider got item 0 only, and consumed it: its credit is its whole window again.
        rig.streams.resume(second, StreamResume.receiver(PROVIDER_STREAM, 1, 3, false));
        rig.settle(caller, first, second);
        assertThat(numbers(second.sent(StreamData.class))).containsExactly(1, 2, 3);
        assertThat(second.sent(StreamEnd.class)).hasSize(1);
        assertThat(second.sent(StreamResume.class)).as("the node receives nothing on this stream").isEmpty();
    }

    @Test
    void aProviderThatDoesNotComeBackWithinTheWindowFailsTheCallWithProviderGone() {
        TestSession first = TestSession.withStreams().resumable("provider");
        relayTo(first, StreamDirection.CALLEE_TO_CALLER, 0);
        callerSide().credit(4);
        rig.settle(caller, first);
        breakConnection(first);
        assertThat(caller.sent(StreamError.class)).isEmpty();

        first.advanceTimeBy(WINDOW);
        rig.settle(caller, first);
        assertThat(caller.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.PROVIDER_GONE.code());
        assertThat(told.code).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        assertThat(rig.streams.relays().keptStreams()).isZero();

        TestSession late = TestSession.withStreams().resumable("provider");
        rig.streams.resume(late, StreamResume.senderOnly(PROVIDER_STREAM));
        assertThat(late.sent(StreamError.class)).extracting(StreamError::code)
                .containsExactly(ErrorCode.STREAM_NOT_FOUND.code());
    }

    @Test
    void aProviderThatLeavesAfterItsAnswerLeavesTheItemsTheNodeHoldsToReachTheCaller() {
        providerAnswersWithAnItemHeld();

        breakConnection(provider);
        callerSide().credit(2);
        rig.settle(caller, provider);
        assertThat(numbers(caller.sent(StreamData.class))).containsExactly(0, 1, 2);
        assertThat(caller.sent(StreamError.class)).isEmpty();
        assertThat(caller.sent()).last().isInstanceOf(RpcResponse.class);
    }

    @Test
    void theCallersItemsGoToTheProviderInItsConnectionsWriteTurnsWhichWaitWhileItCannotWrite() {
        relay(StreamDirection.CALLER_TO_CALLEE, 64);
        providerOpens(StreamDirection.CALLER_TO_CALLEE, 4);
        NodeStream stream = callerSide();
        provider.full();
        stream.data(new StreamData(false, stream.streamId(), item(0)));
        stream.data(new StreamData(true, stream.streamId(), item(1)));
        rig.settle(caller, provider);
        assertThat(provider.sent(StreamData.class)).as("nothing while the connection cannot write").isEmpty();

        provider.drained();
        rig.settle(caller, provider);
        assertThat(numbers(provider.sent(StreamData.class))).containsExactly(0, 1);
        assertThat(provider.sent()).last().isInstanceOf(StreamEnd.class);
    }
}
