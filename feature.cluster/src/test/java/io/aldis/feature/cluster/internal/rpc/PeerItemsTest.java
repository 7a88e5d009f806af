package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The items of another node's stream: what the subscriber requests is what the other node is
 * granted, items are handed on only as requested, items before a failure are not lost, and an
 * item beyond the credit fails the stream instead of piling up.
 */
class PeerItemsTest {
    private final List<Integer> grants = new ArrayList<>();
    private final PeerItems items = new PeerItems(grants::add, "s.m");
    private final Recorder recorder = new Recorder();

    @Test
    void theSubscribersRequestsAreWhatTheOtherNodeIsGrantedAndNothingIsHandedOnBeyondThem() {
        items.subscribe(recorder);
        recorder.subscription.request(2);
        assertThat(grants).containsExactly(2);
        items.item(new byte[] {1});
        items.item(new byte[] {2});
        assertThat(recorder.received).containsExactly(1, 2);
        recorder.subscription.request(3);
        assertThat(grants).containsExactly(2, 3);
        items.item(new byte[] {3});
        items.end();
        assertThat(recorder.received).containsExactly(1, 2, 3);
        assertThat(recorder.completed).isTrue();
        assertThat(items.held()).isZero();
    }

    @Test
    void anItemBeyondTheCreditFailsTheStream() {
        items.subscribe(recorder);
        recorder.subscription.request(1);
        items.item(new byte[] {1});
        items.item(new byte[] {2});
        assertThat(recorder.received).containsExactly(1);
        assertThat(recorder.failure).hasMessageContaining("beyond the credit");
        assertThat(items.held()).isZero();
    }

    @Test
    void itemsThatCameBeforeAFailureAreHandedOnFirst() {
        items.subscribe(recorder);
        recorder.subscription.request(2);
        // While the first item is being handed on, the second and then the failure arrive.
        recorder.onFirst = () -> {
            items.item(new byte[] {8});
            items.fail("disk on fire");
        };
        items.item(new byte[] {7});
        assertThat(recorder.received).containsExactly(7, 8);
        assertThat(recorder.failure).hasMessage("disk on fire");
    }

    private static final class Recorder implements Flow.Subscriber<byte[]> {
        Flow.Subscription subscription;
        final List<Integer> received = new ArrayList<>();
        boolean completed;
        Throwable failure;
        Runnable onFirst;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(byte[] item) {
            received.add((int) item[0]);
            Runnable first = onFirst;
            onFirst = null;
            if (first != null) {
                first.run();
            }
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }
}
