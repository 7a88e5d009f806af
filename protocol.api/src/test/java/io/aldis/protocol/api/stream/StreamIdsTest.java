package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.stream.StreamIds.Opener;
import org.junit.jupiter.api.Test;

class StreamIdsTest {

    @Test
    void clientsOpenOddIdsAndTheNodeEvenOnes() {
        StreamIds client = new StreamIds(Opener.CLIENT);
        StreamIds node = new StreamIds(Opener.NODE);
        assertThat(new long[] {client.next(), client.next(), client.next()}).containsExactly(1, 3, 5);
        assertThat(new long[] {node.next(), node.next(), node.next()}).containsExactly(2, 4, 6);
        assertThat(StreamIds.openerOf(5)).isEqualTo(Opener.CLIENT);
        assertThat(StreamIds.openerOf(6)).isEqualTo(Opener.NODE);
        assertThat(StreamIds.openerOf(-1)).as("ids use all 64 bits").isEqualTo(Opener.CLIENT);
        assertThat(StreamIds.openerOf(0)).isNull();
    }
}
