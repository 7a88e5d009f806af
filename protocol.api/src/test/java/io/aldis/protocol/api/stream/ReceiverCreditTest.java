package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamResume;
import org.junit.jupiter.api.Test;

class ReceiverCreditTest {

    @Test
    void theFirstGrantIsTheHighWaterMark() {
        ReceiverCredit credit = new ReceiverCredit(64);
        assertThat(credit.initialGrant()).isEqualTo(64);
        assertThat(credit.handedOut()).isEqualTo(64);
        assertThatThrownBy(() -> new ReceiverCredit(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void creditGoesBackWhenConsumedNotWhenReceived() {
        ReceiverCredit credit = new ReceiverCredit(8);
        for (int i = 0; i < 8; i++) {
            credit.received(1);
        }
        assertThat(credit.handedOut()).isZero();
        assertThat(credit.consumed(1)).isZero();
        assertThat(credit.consumed(1)).isZero();
        assertThat(credit.consumed(1)).isZero();
        assertThat(credit.consumed(1)).as("the fourth of eight reaches half").isEqualTo(4);
        assertThat(credit.handedOut()).isEqualTo(4);
        assertThat(credit.consumed(1)).isZero();
    }

    @Test
    void aReturnIncludesTheItemThatReachedHalf() {
        ReceiverCredit credit = new ReceiverCredit(100);
        credit.received(30);
        credit.received(40);
        assertThat(credit.consumed(30)).isZero();
        assertThat(credit.consumed(40)).isEqualTo(70);
    }

    @Test
    void anItemBeyondTheCreditHandedOutIsCaught() {
        ReceiverCredit credit = new ReceiverCredit(10);
        credit.received(5);
        credit.received(4);
        assertThatThrownBy(() -> credit.received(2)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED);
            assertThat(e.getMessage()).isEqualTo("an item costing 2 arrived with only 1 credit granted");
        });
        credit.received(1);
        assertThat(credit.receivedItems()).isEqualTo(3);
    }

    @Test
    void anItemAboveHalfTheHighWaterMarkIsTooLarge() {
        ReceiverCredit credit = new ReceiverCredit(10);
        assertThatThrownBy(() -> credit.received(6)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE));
        assertThat(credit.handedOut()).isEqualTo(10);
    }

    @Test
    void itemsAfterTheEndAreRefused() {
        ReceiverCredit credit = new ReceiverCredit(10);
        credit.endReceived();
        assertThatThrownBy(() -> credit.received(1)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
    }

    @Test
    void theFinalReturnComesOnceTheEndIsConsumed() {
        ReceiverCredit credit = new ReceiverCredit(10);
        credit.received(2);
        credit.received(2);
        credit.endReceived();
        assertThat(credit.drained()).isFalse();
        assertThatThrownBy(credit::finalReturn).isInstanceOf(IllegalStateException.class);
        assertThat(credit.consumed(2)).isZero();
        assertThat(credit.consumed(2)).isZero();
        assertThat(credit.drained()).isTrue();
        assertThat(credit.finalReturn()).isEqualTo(4);
        assertThat(credit.handedOut()).isEqualTo(10);
        assertThat(credit.finalReturn()).as("nothing left").isZero();
    }

    @Test
    void consumingWhatNeverArrivedIsTheApplicationsBug() {
        ReceiverCredit credit = new ReceiverCredit(10);
        credit.received(2);
        assertThatThrownBy(() -> credit.consumed(3)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theResumePointReturnsWhatWasConsumedAndKeepsWhatIsHeld() {
        ReceiverCredit credit = new ReceiverCredit(10);
        credit.received(3);
        credit.received(3);
        credit.received(2);
        credit.consumed(3); // 3 consumed and not returned (below half)
        // 3 + 2 held unconsumed; the 2 credit left was handed out, and items for it may be lost
        ResumePoint point = credit.resumePoint();
        assertThat(point).isEqualTo(new ResumePoint(3, 5, false));
        assertThat(point.toFrame(7)).isEqualTo(StreamResume.receiver(7, 3, 5, false));
        assertThat(ResumePoint.of(point.toFrame(7))).isEqualTo(point);
        assertThat(credit.handedOut()).isEqualTo(5);
        assertThat(credit.consumed(3)).as("3 unreturned went with the resume point").isZero();
        assertThat(credit.consumed(2)).isEqualTo(5);
        assertThatThrownBy(() -> ResumePoint.of(StreamResume.senderOnly(7)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
