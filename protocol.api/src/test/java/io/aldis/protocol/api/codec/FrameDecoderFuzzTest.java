package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the TCP frame decoder ({@link LengthPrefixedFrameDecoder}) with arbitrary byte streams,
 * as an unauthenticated peer would send them. The stream is fed once whole and once a byte at a
 * time; the contract:
 * <ul>
 *   <li>only frames and {@link DecodeFailure}s come out, failures with a protocol code and a
 *       message in the project's words, and nothing after a fatal failure;</li>
 *   <li>how the bytes are split into reads changes nothing;</li>
 *   <li>the decoder never keeps more than one frame of the current limit (plus its prefix) waiting,
 *       so a length prefix cannot make it hold memory;</li>
 *   <li>every buffer it was given is released.</li>
 * </ul>
 * Inputs: {@code FrameDecoderFuzzTestInputs/}, each golden frame of {@link GoldenFramesTest}
 * behind its length prefix ({@link GoldenSeedsTest}).
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 1 << 20;
    private static final Set<ErrorCode> REFUSALS =
            EnumSet.of(ErrorCode.FRAME_TOO_LARGE, ErrorCode.MALFORMED_FRAME, ErrorCode.UNKNOWN_FRAME_TYPE);

    @FuzzTest
    void framesOrProtocolErrors(byte[] stream) {
        List<Object> whole = decode(stream, stream.length == 0 ? 1 : stream.length);
        List<Object> byteAtATime = decode(stream, 1);
        assertThat(byteAtATime).as("the same stream split into single bytes").hasSameSizeAs(whole);
        for (int i = 0; i < whole.size(); i++) {
            if (whole.get(i) instanceof Frame frame) {
                Fixtures.assertSameFrame((Frame) byteAtATime.get(i), frame);
            } else {
                assertThat(byteAtATime.get(i)).isEqualTo(whole.get(i));
            }
        }
    }

    private static List<Object> decode(byte[] stream, int readSize) {
        Decoder decoder = new Decoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> given = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (int at = 0; at < stream.length; at += readSize) {
            ByteBuf read = Unpooled.copiedBuffer(stream, at, Math.min(readSize, stream.length - at));
            given.add(read);
            channel.writeInbound(read);
            assertThat(decoder.waiting()).as("bytes held for an incomplete frame")
                    .isLessThanOrEqualTo(decoder.limit() + 4);
            for (Object o; (o = channel.readInbound()) != null; ) {
                out.add(o);
            }
        }
        channel.finish();
        for (Object o; (o = channel.readInbound()) != null; ) {
            out.add(o);
        }
        for (ByteBuf read : given) {
            assertThat(read.refCnt()).as("a read buffer left unreleased").isZero();
        }
        check(out);
        return out;
    }

    private static void check(List<Object> out) {
        boolean fatal = false;
        for (Object o : out) {
            assertThat(fatal).as("output after a fatal failure: %s", o).isFalse();
            if (o instanceof DecodeFailure failure) {
                WireContract.refusal(failure.code(), failure.message(), REFUSALS);
                assertThat(failure.fatal()).as("only an unknown type is not fatal: %s", failure)
                        .isEqualTo(failure.code() != ErrorCode.UNKNOWN_FRAME_TYPE);
                fatal = failure.fatal();
            } else {
                assertThat(o).isInstanceOf(Frame.class);
            }
        }
    }

    /** The production decoder, with a view of what it holds back. */
    private static final class Decoder extends LengthPrefixedFrameDecoder {
        Decoder() {
            super(MAX_FRAME, FrameSizeLimit.HANDSHAKE);
        }

        int waiting() {
            return actualReadableBytes();
        }
    }
}
