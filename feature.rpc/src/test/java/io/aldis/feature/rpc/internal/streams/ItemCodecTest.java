package io.aldis.feature.rpc.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.params.ValueCheck;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ItemCodecTest {
    @Test
    void aByteArrayItemIsSentAsItIsWithoutACopy() throws Exception {
        ItemCodec codec = new ItemCodec(byte[].class, "item", ValueCheck.NONE);
        byte[] item = {1, 2, 3};

        assertThat(codec.encode(item)).isSameAs(item);
    }

    @Test
    void aByteBufferItemIsCopiedSoThePublisherMayReuseTheBuffer() throws Exception {
        ItemCodec codec = new ItemCodec(ByteBuffer.class, "item", ValueCheck.NONE);
        ByteBuffer item = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4});
        item.position(1).limit(4);

        byte[] sent = codec.encode(item);
        item.put(1, (byte) 9);

        assertThat(sent).containsExactly(1, 2, 3);
        assertThat(item.position()).as("the buffer is not moved").isEqualTo(1);
    }
}
