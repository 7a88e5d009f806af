package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class WsFrameCodecTest {

    private static ByteBuf encoded(io.aldis.protocol.api.Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(frame, buf);
        return buf;
    }

    @Test
    void oneBinaryMessageIsOneFrameBothWays() {
        EmbeddedChannel channel = new EmbeddedChannel(new WsFrameCodec());
        assertThat(channel.writeInbound(new BinaryWebSocketFrame(encoded(new Ping(42))))).isTrue();
        assertThat((Object) channel.readInbound()).isEqualTo(new Ping(42));

        assertThat(channel.writeOutbound(new Ping(7))).isTrue();
        BinaryWebSocketFrame out = channel.readOutbound();
        try {
            assertThat(FrameCodec.decode(out.content())).isEqualTo(new Ping(7));
        } finally {
            out.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anEncodedChunkIsOneBinaryMessageOfItsFrameAndIsReleased() {
        byte[] chunk = {1, 2, 3, 4, 5};
        CRC32 crc = new CRC32();
        crc.update(chunk);
        int crc32 = (int) crc.getValue();
        UUID id = UUID.randomUUID();
        ByteBuf buffer = EncodedChunkData.allocate(UnpooledByteBufAllocator.DEFAULT, chunk.length);
        buffer.writeBytes(chunk);
        EncodedChunkData encoded = EncodedChunkData.of(buffer, true, id, 9, crc32);
        EmbeddedChannel channel = new EmbeddedChannel(new WsFrameCodec());
        assertThat(channel.writeOutbound(encoded)).isTrue();
        assertThat(encoded.refCnt()).isZero();
        BinaryWebSocketFrame out = channel.readOutbound();
        try {
            assertThat(FrameCodec.decode(out.content())).usingRecursiveComparison().isEqualTo(
                    new ChunkData(false, true, id, 9, chunk.length, crc32, chunk));
        } finally {
            out.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aBatchBecomesOneBinaryMessagePerFrameInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new WsFrameCodec());
        assertThat(channel.writeOutbound(new FrameBatch(List.of(new Ping(1), new Ping(2), new Ping(3))))).isTrue();
        for (long nonce = 1; nonce <= 3; nonce++) {
            BinaryWebSocketFrame out = channel.readOutbound();
            try {
                assertThat(FrameCodec.decode(out.content())).isEqualTo(new Ping(nonce));
            } finally {
                out.release();
            }
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void textMessageIsAFatalProtocolError() {
        EmbeddedChannel channel = new EmbeddedChannel(new WsFrameCodec());
        channel.writeInbound(new TextWebSocketFrame("hello"));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(failure.fatal()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void badBytesBecomeDecodeFailuresAndAreReleased() {
        EmbeddedChannel channel = new EmbeddedChannel(new WsFrameCodec());
        BinaryWebSocketFrame garbage = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1}));
        channel.writeInbound(garbage);
        DecodeFailure truncated = channel.readInbound();
        assertThat(truncated.fatal()).isTrue();
        assertThat(garbage.refCnt()).isZero();

        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xEE, 0})));
        DecodeFailure unknown = channel.readInbound();
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_FRAME_TYPE);
        assertThat(unknown.fatal()).isFalse();
        channel.finishAndReleaseAll();
    }
}
