package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSizeGuardTest {
    private static final int HANDSHAKE = FrameSizeLimit.HANDSHAKE;
    private static final int MAX = 1_048_576;
    private static final int BINARY = 0x2, CONTINUATION = 0x0, PING = 0x9;

    private final List<String> closeReasons = new ArrayList<>();
    private boolean closeAsked;
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new MessageSizeGuard(HANDSHAKE, MAX, 0, closeReasons::add), closeRecorder());

    /** Notes a close from the pipeline's tail and keeps the channel open, so later input can still be fed. */
    private ChannelOutboundHandlerAdapter closeRecorder() {
        return new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                closeAsked = true;
                promise.setSuccess();
            }
        };
    }

    /** A masked frame header announcing {@code length} payload bytes, in the shortest length form. */
    private static byte[] header(int opcode, boolean fin, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write((int) (length >>> 8));
            out.write((int) length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
        out.writeBytes(new byte[] {1, 2, 3, 4});
        return out.toByteArray();
    }

    private static byte[] frame(int opcode, boolean fin, int length) {
        byte[] header = header(opcode, fin, length);
        byte[] frame = new byte[header.length + length];
        System.arraycopy(header, 0, frame, 0, header.length);
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Feeds the bytes in pieces of {@code piece} bytes; returns the bytes the guard passed on. */
    private byte[] feed(byte[] bytes, int piece) {
        for (int i = 0; i < bytes.length; i += piece) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
        }
        return passedOn();
    }

    private byte[] passedOn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (channel.inboundMessages().peek() instanceof ByteBuf) {
            ByteBuf buf = channel.readInbound();
            byte[] copy = new byte[buf.readableBytes()];
            buf.readBytes(copy);
            buf.release();
            out.writeBytes(copy);
        }
        return out.toByteArray();
    }

    private void assertRefusedBeforeAuthentication() {
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.fatal()).isTrue();
        assertThat(failure.message()).contains("65536 bytes before authentication");
        assertThat(closeReasons).containsExactly("frame larger than 65536 bytes before authentication");
        assertThat(closeAsked).isTrue();
    }

    @Test
    void aMessageOfExactlyTheHandshakeLimitPassesUnchanged() {
        byte[] frame = frame(BINARY, true, HANDSHAKE);
        frame[20] = 42;
        assertThat(feed(frame, 4096)).isEqualTo(frame);
        assertThat(closeAsked).isFalse();
        assertThat(closeReasons).isEmpty();
    }

    @Test
    void aLongerFrameIsRefusedFromItsHeaderAloneEvenOneByteAtATime() {
        byte[] header = header(BINARY, true, HANDSHAKE + 1);
        // Everything but the masking key: the length alone decides. The header's bytes before its
        // last length byte came in earlier reads and went on; Netty's decoder holds just those.
        byte[] lengthComplete = java.util.Arrays.copyOf(header, header.length - 4);
        assertThat(feed(lengthComplete, 1)).isEqualTo(java.util.Arrays.copyOf(header, lengthComplete.length - 1));
        assertRefusedBeforeAuthentication();
    }

    @Test
    void whatFollowsARefusalIsDiscardedAndReleased() {
        feed(header(BINARY, true, MAX), 64);
        channel.readInbound();
        ByteBuf more = Unpooled.copiedBuffer(new byte[1000]);
        channel.writeInbound(more);
        assertThat(more.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void framesBeforeTheRefusedOneInTheSameReadArePassedOn() {
        byte[] ping = frame(PING, true, 4);
        byte[] small = frame(BINARY, true, 300);
        byte[] passed = feed(concat(ping, small, header(BINARY, true, HANDSHAKE + 1)), 100_000);
        assertThat(passed).isEqualTo(concat(ping, small));
        assertRefusedBeforeAuthentication();
    }

    @Test
    void aFragmentedMessageIsRefusedAtTheFragmentThatTakesItOverTheLimit() {
        byte[] first = frame(BINARY, false, 40_000);
        byte[] ping = frame(PING, true, 125); // control frames between fragments do not count
        byte[] second = frame(CONTINUATION, false, 25_000);
        byte[] passed = feed(concat(first, ping, second, header(CONTINUATION, true, 1_000)), 8192);
        assertThat(passed).isEqualTo(concat(first, ping, second));
        assertRefusedBeforeAuthentication();
    }

    @Test
    void aNewMessageStartsItsOwnCount() {
        byte[] messages = concat(frame(BINARY, false, 40_000), frame(CONTINUATION, true, 20_000),
                frame(BINARY, true, 60_000));
        assertThat(feed(messages, 8192)).isEqualTo(messages);
        assertThat(closeAsked).isFalse();
    }

    @Test
    void aFrameSizeLimitEventRaisesTheLimitUpToTheListenersMaximum() {
        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(4 * MAX));
        byte[] big = frame(BINARY, true, MAX);
        assertThat(feed(big, 65_536)).isEqualTo(big);
        assertThat(closeAsked).isFalse();

        feed(header(BINARY, true, MAX + 1), 64);
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.message()).isEqualTo("frame length 1048577 exceeds the maximum of 1048576 bytes");
        assertThat(closeReasons).containsExactly("frame larger than 1048576 bytes");
    }

    @Test
    void aLengthWithTheTopBitSetIsRefusedNotWrapped() {
        byte[] header = header(BINARY, true, 0);
        byte[] huge = concat(new byte[] {header[0], (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1});
        feed(huge, 3);
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.message()).startsWith("frame length 9223372036854775809 exceeds");
    }

    @Test
    void anOverlongControlFrameIsLeftToNettysDecoder() {
        byte[] bytes = concat(header(PING, true, 200_000), new byte[500]);
        assertThat(feed(bytes, 100)).isEqualTo(bytes);
        assertThat(closeAsked).isFalse();
        assertThat(closeReasons).isEmpty();
    }

    @Test
    void underTheBatchedSubprotocolAMessageMayHoldTheLimitPlusOneLengthPrefix() {
        EmbeddedChannel batched = new EmbeddedChannel(new MessageSizeGuard(HANDSHAKE, MAX, 4, closeReasons::add),
                closeRecorder());
        byte[] fits = frame(BINARY, true, HANDSHAKE + 4);
        batched.writeInbound(Unpooled.wrappedBuffer(fits));
        ByteBuf passed = batched.readInbound();
        assertThat(passed.readableBytes()).isEqualTo(fits.length);
        passed.release();
        assertThat(closeAsked).isFalse();

        batched.writeInbound(Unpooled.wrappedBuffer(header(BINARY, true, HANDSHAKE + 5)));
        DecodeFailure failure = batched.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.message()).isEqualTo("message length 65541 exceeds the maximum of 65540 bytes before authentication");
        assertThat(closeReasons).containsExactly("message larger than 65540 bytes before authentication");
        assertThat(closeAsked).isTrue();
        batched.finishAndReleaseAll();
    }
}
