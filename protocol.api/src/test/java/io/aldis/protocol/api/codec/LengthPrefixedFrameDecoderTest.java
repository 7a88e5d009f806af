package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LengthPrefixedFrameDecoderTest {
    private static final int MAX = 1024;

    /** Every buffer handed to a channel; each must end up released. */
    private final List<ByteBuf> written = new ArrayList<>();

    @AfterEach
    void everyInputBufferWasReleased() {
        for (ByteBuf buf : written) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
    }

    @Test
    void decodesOneFrame() {
        EmbeddedChannel channel = channel(MAX);
        write(channel, prefixed(hex("20 00 | 0000000000000005")));
        assertThat((Object) channel.readInbound()).isEqualTo(new Ping(5));
        assertThat(channel.finish()).as("nothing left over").isFalse();
    }

    @Test
    void decodesFramesSplitAcrossReads() {
        List<Frame> expected = goldenFrames();
        byte[] stream = goldenStream();
        EmbeddedChannel channel = channel(MAX);
        // one byte per read, so every field boundary, prefix included, is split at least once
        for (byte b : stream) {
            write(channel, new byte[] {b});
        }
        assertFrames(channel, expected);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesSeveralFramesInOneRead() {
        EmbeddedChannel channel = channel(MAX);
        write(channel, goldenStream());
        assertFrames(channel, goldenFrames());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesFramesInRandomChunks() {
        byte[] stream = goldenStream();
        Random random = new Random(42);
        EmbeddedChannel channel = channel(MAX);
        int at = 0;
        while (at < stream.length) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(40));
            write(channel, Arrays.copyOfRange(stream, at, at + n));
            at += n;
        }
        assertFrames(channel, goldenFrames());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void rejectsAnOversizeLengthBeforeTheBodyArrives() {
        CountingAllocator allocator = new CountingAllocator();
        LengthPrefixedFrameDecoder decoder = new LengthPrefixedFrameDecoder(MAX);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(decoder);

        write(channel, hex("7fffffff"));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.fatal()).isTrue();
        assertThat(decoder.failed()).isTrue();

        // everything after a fatal failure is discarded, even well-formed frames
        for (int i = 0; i < 50; i++) {
            write(channel, new byte[512]);
            write(channel, prefixed(hex("20 00 | 0000000000000001")));
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(allocator.largest).as("no buffer sized by the claimed length").isLessThan(4096);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFrameLongerThanItsReadsIsGatheredInOneBufferOnceAQuarterOfItCame() {
        int max = 1 << 20;
        CountingAllocator allocator = new CountingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new LengthPrefixedFrameDecoder(max));
        byte[] frame = new byte[64 * 1024];
        new Random(7).nextBytes(frame);
        frame[0] = 0x11; // AUTH_CHALLENGE: the rest is data
        frame[1] = 0;
        byte[] stream = prefixed(frame);

        int at = 20_000; // more than a quarter of the frame in the first read
        write(channel, Arrays.copyOfRange(stream, 0, at));
        write(channel, Arrays.copyOfRange(stream, at, at + 4096));
        at += 4096;
        assertThat(allocator.count).as("one buffer for the whole frame").isEqualTo(1);
        assertThat(allocator.largest).isEqualTo(stream.length);
        while (at < stream.length) {
            int n = Math.min(4096, stream.length - at);
            write(channel, Arrays.copyOfRange(stream, at, at + n));
            at += n;
        }
        assertThat(allocator.count).as("the rest of the frame appended to it, no buffer more").isEqualTo(1);
        io.aldis.protocol.api.AuthChallenge challenge = channel.readInbound();
        assertThat(challenge).isNotNull();
        Fixtures.assertSameFrame(challenge, FrameCodec.decode(Unpooled.wrappedBuffer(frame)));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aLargeFrameAnnouncedButHardlySentGetsNoBufferOfItsSize() {
        int max = 1 << 20;
        CountingAllocator allocator = new CountingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new LengthPrefixedFrameDecoder(max));
        byte[] start = new byte[4 + 1000];
        start[1] = 0x10; // a frame of 1 MiB: 0x00100000
        start[4] = 0x11;
        write(channel, start);
        for (int i = 0; i < 20; i++) {
            write(channel, new byte[1000]);
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(allocator.largest).as("buffers grow with what came, not with the announced length")
                .isLessThan(max / 4);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximumSize() {
        byte[] frame = new byte[MAX];
        frame[0] = 0x11; // AUTH_CHALLENGE: the rest is data
        EmbeddedChannel channel = channel(MAX);
        write(channel, prefixed(frame));
        assertThat((Object) channel.readInbound()).isInstanceOf(io.aldis.protocol.api.AuthChallenge.class);
        byte[] tooBig = new byte[MAX + 1];
        tooBig[0] = 0x11;
        write(channel, prefixed(tooBig));
        assertThat(((DecodeFailure) channel.readInbound()).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void holdsToTheInitialLimitUntilAFrameSizeLimitEventRaisesIt() {
        LengthPrefixedFrameDecoder decoder = new LengthPrefixedFrameDecoder(MAX, 16);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] frame = new byte[17];
        frame[0] = 0x11; // AUTH_CHALLENGE: the rest is data
        // Before the event: the prefix alone gets the frame refused, with the limit in force named.
        EmbeddedChannel early = new EmbeddedChannel(new LengthPrefixedFrameDecoder(MAX, 16));
        write(early, hex("00000011"));
        DecodeFailure failure = early.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(failure.message()).contains("16").contains("before authentication");
        assertThat(early.finish()).isFalse();

        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(64));
        assertThat(decoder.limit()).isEqualTo(64);
        write(channel, prefixed(frame));
        assertThat((Object) channel.readInbound()).isInstanceOf(io.aldis.protocol.api.AuthChallenge.class);
        // An event never lifts the limit above the decoder's maximum.
        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX * 2));
        assertThat(decoder.limit()).isEqualTo(MAX);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aTruncatedFieldIsNamedByItsOffsetNotByTheBufferInternals() {
        EmbeddedChannel channel = channel(MAX);
        write(channel, prefixed(hex("20 00 | 010203")));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.message()).isEqualTo("PING is truncated: the field at offset 2 does not fit in the 5-byte frame");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void rejectsLengthsTooShortForAHeader() {
        for (String prefix : List.of("00000000", "00000001 20")) {
            EmbeddedChannel channel = channel(MAX);
            write(channel, hex(prefix));
            DecodeFailure failure = channel.readInbound();
            assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(failure.fatal()).isTrue();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void skipsAnUnknownTypeAndCarriesOn() {
        EmbeddedChannel channel = channel(MAX);
        write(channel, concat(prefixed(hex("ee 00 | 01020304")), prefixed(hex("20 00 | 0000000000000002"))));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.UNKNOWN_FRAME_TYPE);
        assertThat(failure.fatal()).isFalse();
        assertThat((Object) channel.readInbound()).isEqualTo(new Ping(2));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aTruncatedFieldIsFatal() {
        EmbeddedChannel channel = channel(MAX);
        // PING whose nonce is cut to 3 bytes, then a valid PING that must not be delivered
        write(channel, concat(prefixed(hex("20 00 | 010203")), prefixed(hex("20 00 | 0000000000000002"))));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(failure.fatal()).isTrue();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void trailingGarbageInsideAFrameIsFatal() {
        EmbeddedChannel channel = channel(MAX);
        write(channel, prefixed(hex("20 00 | 0000000000000002 | 99")));
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(failure.fatal()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFrameCutOffByTheCloseProducesNothingAndLeaksNothing() {
        EmbeddedChannel channel = channel(MAX);
        byte[] ping = prefixed(hex("20 00 | 0000000000000002"));
        write(channel, Arrays.copyOf(ping, 7));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void randomBytesOnlyEverGiveFramesOrFailures() {
        Random random = new Random(7440);
        int frames = 0;
        int failures = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input = new byte[random.nextInt(120)];
            random.nextBytes(input);
            if (i % 2 == 0 && input.length >= 6) {
                // a plausible prefix and a known type, so the body decoder is exercised too
                int length = input.length - 4;
                input[0] = 0;
                input[1] = 0;
                input[2] = (byte) (length >>> 8);
                input[3] = (byte) length;
                int[] codes = {0x01, 0x02, 0x13, 0x24, 0x2f, 0x33, 0x34, 0x50, 0x60, 0x66, 0x6e, 0x6f, 0x70};
                input[4] = (byte) codes[random.nextInt(codes.length)];
            }
            EmbeddedChannel channel = channel(64);
            int at = 0;
            while (at < input.length) {
                int n = Math.min(input.length - at, 1 + random.nextInt(16));
                write(channel, Arrays.copyOfRange(input, at, at + n));
                at += n;
            }
            channel.finish();
            for (Object out; (out = channel.readInbound()) != null; ) {
                assertThat(out).isInstanceOfAny(Frame.class, DecodeFailure.class);
                if (out instanceof Frame) {
                    frames++;
                } else {
                    failures++;
                }
            }
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
        // the loop is only meaningful if both outcomes actually happen
        assertThat(frames).isPositive();
        assertThat(failures).isPositive();
    }

    // ---- helpers

    private static EmbeddedChannel channel(int max) {
        return new EmbeddedChannel(new LengthPrefixedFrameDecoder(max));
    }

    private void write(EmbeddedChannel channel, byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        written.add(buf);
        channel.writeInbound(buf);
    }

    private static void assertFrames(EmbeddedChannel channel, List<Frame> expected) {
        for (Frame frame : expected) {
            Object out = channel.readInbound();
            assertThat(out).isInstanceOf(Frame.class);
            Fixtures.assertSameFrame((Frame) out, frame);
        }
        assertThat((Object) channel.readInbound()).isNull();
    }

    static List<Frame> goldenFrames() {
        List<Frame> frames = new ArrayList<>();
        GoldenFramesTest.golden().forEach(a -> frames.add((Frame) a.get()[1]));
        return frames;
    }

    static byte[] goldenStream() {
        byte[] stream = new byte[0];
        for (Object[] a : GoldenFramesTest.golden().map(a -> a.get()).toList()) {
            stream = concat(stream, prefixed(hex((String) a[2])));
        }
        return stream;
    }

    static byte[] prefixed(byte[] frame) {
        byte[] out = new byte[frame.length + 4];
        out[0] = (byte) (frame.length >>> 24);
        out[1] = (byte) (frame.length >>> 16);
        out[2] = (byte) (frame.length >>> 8);
        out[3] = (byte) frame.length;
        System.arraycopy(frame, 0, out, 4, frame.length);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Records the largest buffer capacity anyone asks for. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        int largest;
        int count;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            count++;
            largest = Math.max(largest, initialCapacity);
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            count++;
            largest = Math.max(largest, initialCapacity);
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}
