package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
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

    @Test
    void theStreamAFrameNamesAndNoneForOtherFrames() {
        assertThat(StreamIds.streamOf(new StreamData(false, 3, new byte[1]))).isEqualTo(3);
        assertThat(StreamIds.streamOf(new StreamCredit(5, 1))).isEqualTo(5);
        assertThat(StreamIds.streamOf(new StreamEnd(7))).isEqualTo(7);
        assertThat(StreamIds.streamOf(new StreamCancel(9))).isEqualTo(9);
        assertThat(StreamIds.streamOf(new StreamError(11, -502, "x"))).isEqualTo(11);
        assertThat(StreamIds.streamOf(new Ping(13))).isZero();
        assertThat(StreamIds.openerOf(StreamIds.streamOf(new Ping(13)))).isNull();
    }
}
