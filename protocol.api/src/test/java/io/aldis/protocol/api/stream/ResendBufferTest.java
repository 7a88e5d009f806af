package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import org.junit.jupiter.api.Test;

class ResendBufferTest {

    @Test
    void returnedCreditPaysTheOldestCopiesFirst() {
        ResendBuffer<String> copies = new ResendBuffer<>();
        copies.sent("a", 3);
        copies.sent("b", 4);
        copies.sent("c", 2);
        assertThat(copies.keptCost()).isEqualTo(9);
        copies.paidBack(3);
        assertThat(copies.keptItems()).isEqualTo(2);
        copies.paidBack(2); // not all of b yet
        assertThat(copies.keptItems()).isEqualTo(2);
        copies.paidBack(4); // the rest of b, and c
        assertThat(copies.keptItems()).isZero();
        assertThat(copies.keptCost()).isZero();
        assertThat(copies.sentItems()).isEqualTo(3);
    }

    @Test
    void aResumeSendsAgainWhatTheReceiverDidNotGet() {
        ResendBuffer<String> copies = new ResendBuffer<>();
        for (String item : new String[] {"a", "b", "c", "d", "e"}) {
            copies.sent(item, 2);
        }
        copies.paidBack(2); // a consumed and paid back
        // the receiver got a, b, c (holds b and c, 4 credit), and d and e were lost
        assertThat(copies.resume(new ResumePoint(3, 6, false), 10)).containsExactly("d", "e");
        assertThat(copies.keptItems()).isZero();
        copies.sent("d", 2);
        copies.sent("e", 2);
        assertThat(copies.sentItems()).isEqualTo(5);
        copies.paidBack(4); // the receiver consumes b and c, whose copies are already gone
        assertThat(copies.keptItems()).isEqualTo(2);
        copies.paidBack(2);
        assertThat(copies.keptItems()).isEqualTo(1);
    }

    @Test
    void aReceiverThatClaimsTooFewOrTooManyItemsCannotResume() {
        ResendBuffer<String> copies = new ResendBuffer<>();
        copies.sent("a", 1);
        copies.sent("b", 1);
        copies.sent("c", 1);
        copies.paidBack(2);
        assertThatThrownBy(() -> copies.resume(new ResumePoint(1, 1, false), 4))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
        assertThatThrownBy(() -> copies.resume(new ResumePoint(4, 1, false), 4)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> copies.resume(new ResumePoint(2, 5, false), 4)).isInstanceOf(ProtocolException.class);
        assertThat(copies.resume(new ResumePoint(2, 4, false), 4)).containsExactly("c");
    }
}
