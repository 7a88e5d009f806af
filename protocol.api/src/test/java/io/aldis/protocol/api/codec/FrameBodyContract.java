package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadVerify;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

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
    /** The flag bits section 5 defines per frame type; every other bit is reserved. */
    private static final Map<FrameType, Integer> DEFINED_FLAGS = Map.ofEntries(
            Map.entry(FrameType.CONNECT_ACK, ConnectAck.FLAG_AUTHENTICATED),
            Map.entry(FrameType.PUBLISH, Publish.FLAG_HEADERS),
            Map.entry(FrameType.DELIVER, Deliver.FLAG_HEADERS),
            Map.entry(FrameType.MESSAGE, Message.FLAG_REPLY),
            Map.entry(FrameType.RPC_REQUEST, RpcRequest.FLAG_STREAMS),
            Map.entry(FrameType.STREAM_DATA, StreamData.FLAG_LAST),
            Map.entry(FrameType.STREAM_RESUME, StreamResume.FLAG_RECEIVING | StreamResume.FLAG_ENDED),
            Map.entry(FrameType.CHUNK_DATA, ChunkData.FLAG_COMPRESSED | ChunkData.FLAG_LAST),
            Map.entry(FrameType.UPLOAD_VERIFY, UploadVerify.FLAG_VERIFIED),
            Map.entry(FrameType.DOWNLOAD_VERIFY, DownloadVerify.FLAG_VERIFIED),
            Map.entry(FrameType.TRANSFER_ABORT, TransferAbort.FLAG_RESUMABLE));

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
        assertThat(flagsOut).as("%s's flags: the input's defined bits, no reserved one", frame)
                .isEqualTo(flagsIn & DEFINED_FLAGS.getOrDefault(frame.type(), 0));
        again.setByte(1, flagsIn);
        assertThat(ByteBufUtil.hexDump(again)).as("%s encoded again", frame).isEqualTo(ByteBufUtil.hexDump(bytes));
        RepeatedStrings strings = new RepeatedStrings();
        Fixtures.assertSameFrame(FrameCodec.decode(Unpooled.wrappedBuffer(bytes), strings), frame);
        // The second time every string the frame repeats is in the table already.
        Fixtures.assertSameFrame(FrameCodec.decode(Unpooled.wrappedBuffer(bytes), strings), frame);
    }
}
