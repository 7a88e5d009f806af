package io.aldis.protocol.api.stream;

import static io.aldis.protocol.api.stream.SenderCredit.Verdict.SEND;
import static io.aldis.protocol.api.stream.SenderCredit.Verdict.TOO_LARGE;
import static io.aldis.protocol.api.stream.SenderCredit.Verdict.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SenderCreditTest {

    @Test
    void nothingGoesBeforeTheFirstGrant() {
        SenderCredit credit = new SenderCredit();
        assertThat(credit.granted()).isFalse();
        assertThat(credit.take(1)).isEqualTo(WAIT);
        assertThat(credit.highWaterMark()).isZero();
        assertThat(credit.allPaidBack()).isFalse();
    }

    @Test
    void theFirstGrantIsTheHighWaterMarkAndItemsTakeTheirCost() {
        SenderCredit credit = new SenderCredit();
        credit.grant(10);
        assertThat(credit.highWaterMark()).isEqualTo(10);
        assertThat(credit.allPaidBack()).isTrue();
        assertThat(credit.take(5)).isEqualTo(SEND);
        assertThat(credit.take(4)).isEqualTo(SEND);
        assertThat(credit.credit()).isEqualTo(1);
        assertThat(credit.take(2)).as("an item the credit does not cover waits").isEqualTo(WAIT);
        assertThat(credit.credit()).as("and takes nothing").isEqualTo(1);
        credit.grant(5);
        assertThat(credit.take(2)).isEqualTo(SEND);
        assertThat(credit.credit()).isEqualTo(4);
    }

    @Test
    void anItemAboveHalfTheHighWaterMarkIsTooLargeEvenWithTheCreditForIt() {
        SenderCredit credit = new SenderCredit();
        credit.grant(9);
        assertThat(credit.take(6)).isEqualTo(TOO_LARGE);
        assertThat(credit.credit()).isEqualTo(9);
        assertThat(credit.take(5)).isEqualTo(SEND);
    }

    @Test
    void aGrantAboveTheHighWaterMarkIsTheReceiversError() {
        SenderCredit credit = new SenderCredit();
        credit.grant(10);
        credit.take(3);
        credit.grant(3);
        assertThatThrownBy(() -> credit.grant(1)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
        assertThat(credit.credit()).isEqualTo(10);
        assertThatThrownBy(() -> new SenderCredit().grant(0)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aResumeReplacesTheCredit() {
        SenderCredit credit = new SenderCredit();
        credit.grant(10);
        credit.take(5);
        credit.take(5);
        credit.resume(7); // a grant of 7 was lost in the break
        assertThat(credit.credit()).isEqualTo(7);
        assertThatThrownBy(() -> credit.resume(11)).isInstanceOf(ProtocolException.class);
        SenderCredit neverGranted = new SenderCredit();
        neverGranted.resume(12); // the first grant was lost: the receiver holds nothing, so this is H
        assertThat(neverGranted.highWaterMark()).isEqualTo(12);
        assertThat(neverGranted.allPaidBack()).isTrue();
    }

    @Test
    void costsBelowOneAreRefused() {
        assertThatThrownBy(() -> new SenderCredit().take(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A producer thread takes credit while another thread plays the I/O thread that delivers the
     * receiver's returns: the receiver, which refuses any item beyond its credit, sees none.
     */
    @Test
    void aProducerAndTheIoThreadShareTheCreditSafely() throws Exception {
        int items = 200_000;
        SenderCredit credit = new SenderCredit();
        ReceiverCredit receiver = new ReceiverCredit(16);
        credit.grant(receiver.initialGrant());
        BlockingQueue<Integer> wire = new ArrayBlockingQueue<>(64);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread io = new Thread(() -> {
            try {
                for (int i = 0; i < items; i++) {
                    int cost = wire.take();
                    receiver.received(cost);
                    int grant = receiver.consumed(cost);
                    if (grant > 0) {
                        credit.grant(grant);
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "io");
        io.start();
        for (int i = 0; i < items && failure.get() == null; i++) {
            int cost = 1 + i % 8;
            while (credit.take(cost) != SEND && failure.get() == null) {
                Thread.onSpinWait();
            }
            wire.put(cost);
        }
        io.join();
        assertThat(failure.get()).isNull();
        assertThat(receiver.receivedItems()).isEqualTo(items);
    }
}
