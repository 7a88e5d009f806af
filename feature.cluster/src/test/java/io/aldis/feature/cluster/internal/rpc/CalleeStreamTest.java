package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The serving node's side of a stream that crosses to the calling node, as a relayed provider
 * drives it: what goes to the calling node and in which order. An answer given while the items
 * still go waits for their end; a failure that carries a code crosses with it; the serving side's
 * cancel of the caller's items crosses too.
 */
class CalleeStreamTest {
    private static final long CALL = 42;

    private final List<String> toCaller = new ArrayList<>();
    private final CallAnswer answer = new CallAnswer() {
        @Override
        public void result(byte[] json) {
            toCaller.add("RESULT " + new String(json, StandardCharsets.UTF_8));
        }

        @Override
        public void error(int code, String message, String details) {
            toCaller.add("ERROR " + code);
        }
    };
    private final Items items = new Items();

    private CalleeStream stream(StreamDirection direction) {
        StreamSpec spec = new StreamSpec("feed.ticks", direction, CreditMode.ITEMS, null,
                direction.callerSends() ? 8 : 0);
        return new CalleeStream(CALL, spec, new CallStreamListener() {
            @Override
            public void ended() {
            }

            @Override
            public void failed(int code, String message) {
            }
        }, answer, m -> toCaller.add(m.kind() + (m.kind() == RpcMessage.Kind.CALLEE_FAILED ? " " + m.code() : "")));
    }

    @Test
    void anAnswerGivenWhileTheItemsStillGoFollowsTheirEnd() {
        CalleeStream stream = stream(StreamDirection.NODE_TO_CLIENT);
        stream.send(items);
        stream.credit(1);
        items.subscriber.onNext(new byte[] {1});
        // The provider answered before the node passed all its items on.
        stream.answer(new RpcResponse(CALL, "null".getBytes(StandardCharsets.UTF_8)));
        stream.close(0, "");
        assertThat(toCaller).containsExactly("CALLEE_ITEM");
        stream.credit(1);
        assertThat(items.requested).isEqualTo(2);
        items.subscriber.onNext(new byte[] {2});
        items.subscriber.onComplete();
        assertThat(toCaller).containsExactly("CALLEE_ITEM", "CALLEE_ITEM", "CALLEE_END", "RESULT null");
    }

    @Test
    void aCancelAfterTheAnswerStopsTheItemsStillHeldAndLetsTheAnswerGo() {
        CalleeStream stream = stream(StreamDirection.NODE_TO_CLIENT);
        stream.send(items);
        stream.credit(1);
        items.subscriber.onNext(new byte[] {1});
        stream.answer(new RpcResponse(CALL, "null".getBytes(StandardCharsets.UTF_8)));
        stream.close(0, "");
        assertThat(items.cancelled).isFalse();
        // The calling node cancelled the call while the rest of the items waited for its credit.
        stream.close(ErrorCode.CANCELLED.code(), "cancelled by the calling node");
        assertThat(items.cancelled).isTrue();
        assertThat(toCaller).containsExactly("CALLEE_ITEM", "RESULT null");
        stream.credit(4);
        assertThat(items.requested).as("nothing asked of the stopped items").isEqualTo(1);
    }

    @Test
    void aCallEndedWithoutItsWorkStopsTheItemsAndSendsTheAnswerAtOnce() {
        CalleeStream stream = stream(StreamDirection.NODE_TO_CLIENT);
        stream.send(items);
        stream.answer(new io.aldis.protocol.api.RpcError(CALL, ErrorCode.CANCELLED.code(), "cancelled", ""));
        stream.close(ErrorCode.CANCELLED.code(), "cancelled");
        assertThat(items.cancelled).isTrue();
        assertThat(toCaller).containsExactly("ERROR " + ErrorCode.CANCELLED.code());
    }

    @Test
    void aFailureWithACodeCrossesWithThatCode() {
        CalleeStream stream = stream(StreamDirection.NODE_TO_CLIENT);
        stream.send(items);
        items.subscriber.onError(new StreamFailure(ErrorCode.PROVIDER_GONE.code(), "the provider left"));
        assertThat(toCaller).containsExactly("CALLEE_FAILED " + ErrorCode.PROVIDER_GONE.code());
    }

    @Test
    void aFailureWhoseCodeIsNoErrorCodeCrossesAsStreamFailed() {
        CalleeStream stream = stream(StreamDirection.NODE_TO_CLIENT);
        stream.send(items);
        items.subscriber.onError(new StreamFailure(ErrorCode.PROVIDER_GONE.code(), "gauge broke") {
            @Override
            public int code() {
                return 0;
            }
        });
        assertThat(toCaller).containsExactly("CALLEE_FAILED " + ErrorCode.STREAM_FAILED.code());
    }

    @Test
    void theServingSidesCancelOfTheCallersItemsCrosses() {
        CalleeStream stream = stream(StreamDirection.CLIENT_TO_NODE);
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        stream.received().subscribe(new Flow.Subscriber<byte[]>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
            }

            @Override
            public void onNext(byte[] item) {
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onComplete() {
            }
        });
        subscription[0].request(2);
        subscription[0].cancel();
        assertThat(toCaller).containsExactly("CALLEE_CREDIT", "CALLEE_CANCEL");
    }

    /** A publisher driven by the test, recording what it was asked. */
    private static final class Items implements Flow.Publisher<byte[]> {
        Flow.Subscriber<? super byte[]> subscriber;
        long requested;
        boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }
    }
}
