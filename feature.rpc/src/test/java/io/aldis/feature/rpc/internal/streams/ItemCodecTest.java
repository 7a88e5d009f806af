package io.aldis.feature.rpc.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.params.ValueCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What STREAM_DATA carries for a service's items, and whose memory it is. */
class ItemCodecTest {
    @Test
    void aByteArrayItemIsSentAsItIsWithoutACopy() throws Exception {
        byte[] item = {1, 2, 3};
        assertThat(new ItemCodec(byte[].class, "item", ValueCheck.NONE).encode(item)).isSameAs(item);
    }

    @Test
    void aByteBufferItemIsCopiedSoThePublisherMayFillItAgain() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(8);
        buffer.put(new byte[] {9, 1, 2, 3}).flip().get(); // the item is what remains: 1, 2, 3
        byte[] sent = new ItemCodec(ByteBuffer.class, "item", ValueCheck.NONE).encode(buffer);
        buffer.clear().put(new byte[] {7, 7, 7, 7});
        assertThat(sent).containsExactly(1, 2, 3);
    }

    @Test
    void otherItemsAreTheirJson() throws Exception {
        byte[] sent = new ItemCodec(List.class, "item", ValueCheck.NONE).encode(List.of("a", 1));
        assertThat(new String(sent, StandardCharsets.UTF_8)).isEqualTo("[\"a\",1]");
    }
}
