package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreditWindowTest {

    @ParameterizedTest(name = "H = {0}: largest item {1}")
    @CsvSource({"1, 1", "2, 1", "3, 2", "64, 32", "65, 33", "1048576, 524288", "2147483647, 1073741824"})
    void theLargestItemIsHalfTheHighWaterMarkRoundedUp(int highWaterMark, int largest) {
        assertThat(new CreditWindow(highWaterMark).largestItemCost()).isEqualTo(largest);
    }

    @Test
    void replenishmentIsDueFromHalfTheHighWaterMark() {
        CreditWindow even = new CreditWindow(64);
        assertThat(even.replenishDue(31)).isFalse();
        assertThat(even.replenishDue(32)).isTrue();
        CreditWindow odd = new CreditWindow(5);
        assertThat(odd.replenishDue(2)).isFalse();
        assertThat(odd.replenishDue(3)).isTrue();
        assertThat(new CreditWindow(1).replenishDue(1)).isTrue();
        assertThat(new CreditWindow(Integer.MAX_VALUE).replenishDue(1L << 30)).isTrue();
    }

    @Test
    void aWindowHoldsAtLeastOneCredit() {
        assertThatThrownBy(() -> new CreditWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CreditWindow(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
