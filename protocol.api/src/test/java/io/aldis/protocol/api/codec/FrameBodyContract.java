package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.List;

/**
 * The check the frame-body fuzz targets share, one target per family of layouts so that each
 * family gets the fuzzer's whole attention. The first byte is turned into a type of the family
 * (golden frames of the family keep theirs); the rest is the flags and body. The contract:
 * {@link FrameCodec#decode} either yields a frame or throws {@link ProtocolException} with
 * {@code MALFORMED_FRAME} in the project's words; a decoded frame encodes back to exactly the
 * bytes it came from but for reserved flag bits, which a receiver ignores (the layouts are
 * otherwise canonical), and with a connection's table of repeated
 * strings decodes the same.
 */
final class FrameBodyContract {
    private FrameBodyContract() {
    }

    static void check(List<FrameLayout<?>> family, byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] bytes = input.clone();
        int code = bytes[0] & 0xff;
        if (family.stream().noneMatch(l -> l.type.code() == code)) {
            bytes[0] = (byte) family.get(code % family.size()).type.code();
        }
        Frame frame;
        try {
            frame = FrameCodec.decode(Unpooled.wrappedBuffer(bytes));
        } catch (ProtocolException e) {
            WireContract.refusal(e.code(), e.getMessage(), EnumSet.of(ErrorCode.MALFORMED_FRAME));
            return;
        }
        ByteBuf again = Unpooled.buffer();
        FrameCodec.encode(frame, again);
        // Reserved flag bits are ignored on receipt and never sent (protocol section 2), so encoding
        // again may only clear flag bits; every other byte is the same.
        int flagsIn = bytes[1] & 0xff;
        int flagsOut = again.getUnsignedByte(1);
        assertThat(flagsOut & ~flagsIn).as("flag bits %s set that the input did not", frame).isZero();
        again.setByte(1, flagsIn);
        assertThat(ByteBufUtil.hexDump(again)).as("%s encoded again", frame).isEqualTo(ByteBufUtil.hexDump(bytes));
        RepeatedStrings strings = new RepeatedStrings();
        Fixtures.assertSameFrame(FrameCodec.decode(Unpooled.wrappedBuffer(bytes), strings), frame);
        // The second time every string the frame repeats is in the table already.
        Fixtures.assertSameFrame(FrameCodec.decode(Unpooled.wrappedBuffer(bytes), strings), frame);
    }
}
