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
    /**
     * Moves items from a sender to the receiver one at a time, consuming each as it arrives, while
     * the sender's credit covers them; grants go straight back. Returns how many items went.
     */
    private static int flow(ReceiverCredit receiver, SenderCredit sender, int cost, int items, int share) {
        int sent = 0;
        while (sent < items && sender.take(cost) == SenderCredit.Verdict.SEND) {
            receiver.received(cost);
            sent++;
            int grant = receiver.consumed(cost);
            if (grant > 0) {
                sender.grant(grant);
            }
            if (share > 0) {
                assertThat(receiver.outstanding()).as("once the share holds, the stream is kept within it")
                        .isLessThanOrEqualTo(Math.max(share, receiver.initialGrant() - sent * cost));
            }
        }
        return sent;
    }

    @Test
    void underAShareConsumedCreditGoesBackOnlyUpToTheShareAndTheStreamStillFlows() {
        ReceiverCredit receiver = new ReceiverCredit(1024);
        SenderCredit sender = new SenderCredit();
        sender.grant(receiver.initialGrant());
        assertThat(receiver.share(256)).as("nothing is due yet").isZero();

        assertThat(flow(receiver, sender, 64, 500, 256)).as("the stream never stalls on items like those seen")
                .isEqualTo(500);
        assertThat(receiver.outstanding()).isBetween(129, 256);
        assertThat(sender.credit()).isEqualTo(receiver.handedOut());

        int heldBack = 1024 - receiver.outstanding();
        assertThat(receiver.share(0)).as("lifting the share returns what was held back").isEqualTo(heldBack);
        assertThat(receiver.outstanding()).isEqualTo(1024);
    }

    @Test
    void aShareIsNeverBelowTwiceTheLargestItemReceived() {
        ReceiverCredit receiver = new ReceiverCredit(1024);
        SenderCredit sender = new SenderCredit();
        sender.grant(receiver.initialGrant());
        receiver.share(16);
        assertThat(flow(receiver, sender, 100, 300, 200)).isEqualTo(300);
        assertThat(receiver.outstanding()).as("kept at twice the largest item, not at 16").isBetween(101, 200);
    }

    @Test
    void anItemLargerThanAnySeenMayWaitUnderAShareAndGoesOnceItIsLifted() {
        ReceiverCredit receiver = new ReceiverCredit(1024);
        SenderCredit sender = new SenderCredit();
        sender.grant(receiver.initialGrant());
        receiver.share(256);
        flow(receiver, sender, 64, 100, 256);
        assertThat(sender.take(500)).as("more than the share's credit").isNotEqualTo(SenderCredit.Verdict.SEND);

        sender.grant(receiver.share(0));
        assertThat(sender.take(500)).as("rule 3's credit covers any item rule 2 allows")
                .isEqualTo(SenderCredit.Verdict.SEND);
    }

    @Test
    void underAShareTheFinalReturnStillPaysEveryItemBack() {
        ReceiverCredit receiver = new ReceiverCredit(1024);
        SenderCredit sender = new SenderCredit();
        sender.grant(receiver.initialGrant());
        receiver.share(256);
        flow(receiver, sender, 64, 77, 256);
        receiver.endReceived();
        sender.grant(receiver.share(256)); // after the end rule 3 applies again: no holding back
        sender.grant(receiver.finalReturn());
        assertThat(sender.allPaidBack()).isTrue();
        assertThatThrownBy(() -> receiver.share(1025)).isInstanceOf(IllegalArgumentException.class);
    }
}
