package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The batched subprotocol's messages (docs/protocol.md 2.2) through the handlers a node
 * connection gets for it: {@link BatchMessageEncoder} and the shared length-prefixed encoder out,
 * {@link BatchFrameDecoder} in.
 */
class BatchMessagesTest {
    /** The example message of docs/protocol.md 2.2: a PING, then a RESUME. */
    private static final String GOLDEN = "0000000a 2000 0102030405060708 00000002 2300";
    private static final int MAX = 1_048_576;

    private final EmbeddedChannel channel = new EmbeddedChannel(new BatchMessageEncoder(MAX),
            LengthPrefixedFrameEncoder.INSTANCE, new BatchFrameDecoder(MAX, FrameSizeLimit.HANDSHAKE));

    private static byte[] hex(String spaced) {
        return ByteBufUtil.decodeHexDump(spaced.replace(" ", "").replace("|", ""));
    }

    private static BinaryWebSocketFrame message(byte[] bytes) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    private List<Object> inbound() {
        List<Object> read = new ArrayList<>();
        Object next;
        while ((next = channel.readInbound()) != null) {
            read.add(next);
        }
        return read;
    }

    private DecodeFailure onlyFailure() {
        List<Object> read = inbound();
        assertThat(read).hasSize(1);
        return (DecodeFailure) read.get(0);
    }

    @Test
    void theGoldenMessageDecodesToItsFramesInOrder() {
        BinaryWebSocketFrame golden = message(hex(GOLDEN));
        channel.writeInbound(golden);
        assertThat(inbound()).containsExactly(new Ping(0x0102030405060708L), Resume.INSTANCE);
        assertThat(golden.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void framesWrittenBeforeAFlushLeaveAsTheGoldenMessage() {
        channel.write(new Ping(0x0102030405060708L));
        channel.write(Resume.INSTANCE);
        assertThat((Object) channel.readOutbound()).isNull(); // nothing leaves before the flush
        channel.flush();
        BinaryWebSocketFrame out = channel.readOutbound();
        try {
            assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo(GOLDEN.replace(" ", ""));
        } finally {
            out.release();
        }
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFrameBatchIsOneMessageToo() {
        channel.writeOutbound(new FrameBatch(List.of(new Ping(0x0102030405060708L), Resume.INSTANCE)));
        BinaryWebSocketFrame out = channel.readOutbound();
        try {
            assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo(GOLDEN.replace(" ", ""));
        } finally {
            out.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void messagesMayHoldOneFrameOrMany() {
        channel.writeInbound(message(hex("0000000a 2000 0000000000000001")));
        StringBuilder many = new StringBuilder();
        for (int nonce = 2; nonce <= 50; nonce++) {
            many.append("0000000a 2000 ").append(String.format("%016x", nonce));
        }
        channel.writeInbound(message(hex(many.toString())));
        List<Object> read = inbound();
        assertThat(read).hasSize(50);
        for (int nonce = 1; nonce <= 50; nonce++) {
            assertThat(read.get(nonce - 1)).isEqualTo(new Ping(nonce));
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anUnknownFrameTypeIsSkippedAndTheRestOfTheMessageRead() {
        channel.writeInbound(message(hex("00000003 ee00ff | 0000000a 2000 0000000000000007")));
        List<Object> read = inbound();
        assertThat(read).hasSize(2);
        DecodeFailure unknown = (DecodeFailure) read.get(0);
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_FRAME_TYPE);
        assertThat(unknown.fatal()).isFalse();
        assertThat(read.get(1)).isEqualTo(new Ping(7));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFrameCutAtTheEndOfAMessageIsFatalAndNotCompletedByTheNext() {
        // The PING's last 3 bytes would come in the next message: a frame never spans two.
        channel.writeInbound(message(hex("00000002 2300 | 0000000a 2000 0000000000")));
        List<Object> read = inbound();
        assertThat(read).hasSize(2);
        assertThat(read.get(0)).isEqualTo(Resume.INSTANCE);
        DecodeFailure cut = (DecodeFailure) read.get(1);
        assertThat(cut.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(cut.fatal()).isTrue();
        assertThat(cut.message()).contains("ends inside a frame");

        BinaryWebSocketFrame rest = message(hex("000007"));
        channel.writeInbound(rest);
        assertThat(rest.refCnt()).isZero();
        assertThat(inbound()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aMessageEndingInsideALengthPrefixIsFatal() {
        channel.writeInbound(message(hex("0000")));
        DecodeFailure cut = onlyFailure();
        assertThat(cut.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(cut.fatal()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anEmptyMessageIsFatal() {
        // A buffer of its own: an empty wrapped array is the shared empty buffer, which is never released.
        BinaryWebSocketFrame empty = new BinaryWebSocketFrame(Unpooled.buffer(0));
        channel.writeInbound(empty);
        DecodeFailure failure = onlyFailure();
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(failure.fatal()).isTrue();
        assertThat(empty.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aTextMessageIsAFatalProtocolError() {
        TextWebSocketFrame text = new TextWebSocketFrame("hello");
        channel.writeInbound(text);
        DecodeFailure failure = onlyFailure();
        assertThat(failure.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(failure.fatal()).isTrue();
        assertThat(text.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aPrefixOverTheHandshakeLimitIsRefusedUntilTheLimitIsRaised() {
        // Only the prefix and a few bytes: the decoder refuses from the prefix, before any body.
        channel.writeInbound(message(hex("00010001 3300 00")));
        DecodeFailure tooLarge = onlyFailure();
        assertThat(tooLarge.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(tooLarge.fatal()).isTrue();
        assertThat(tooLarge.message()).contains("65536 bytes before authentication");
        assertThat(channel.finish()).isFalse();

        // A frame of that length, refused from its prefix before the limit is raised, is read whole after.
        EmbeddedChannel encoder = new EmbeddedChannel(new BatchMessageEncoder(MAX), LengthPrefixedFrameEncoder.INSTANCE);
        encoder.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX));
        Publish over = new Publish("a", "", Map.of(), new byte[65_537]);
        encoder.writeOutbound(over);
        BinaryWebSocketFrame encoded = encoder.readOutbound();
        assertThat(encoded.content().getUnsignedInt(0)).isGreaterThan(FrameSizeLimit.HANDSHAKE);
        EmbeddedChannel before = new EmbeddedChannel(new BatchFrameDecoder(MAX, FrameSizeLimit.HANDSHAKE));
        before.writeInbound(encoded.retainedDuplicate());
        assertThat(((DecodeFailure) before.readInbound()).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        EmbeddedChannel raised = new EmbeddedChannel(new BatchFrameDecoder(MAX, FrameSizeLimit.HANDSHAKE));
        raised.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX));
        raised.writeInbound(encoded);
        assertThat(((Publish) raised.readInbound()).payload()).hasSize(65_537);
        assertThat(encoded.refCnt()).isZero();
        assertThat(before.finish()).isFalse();
        assertThat(raised.finish()).isFalse();
        assertThat(encoder.finish()).isFalse();
    }

    @Test
    void beforeAuthenticationTheNodesMessagesKeepToTheHandshakeLimitToo() {
        // Frames of 30 000 and 40 000 bytes and a little more: one buffer of the encoder (which
        // starts a new one only once one holds 32 KiB), above the 65540 bytes that are all a client
        // that has not been told maxFrameSize yet can expect a message to hold.
        List<Frame> frames = List.of(new Publish("a", "", Map.of(), new byte[30_000]),
                new Publish("a", "", Map.of(), new byte[40_000]));
        assertThat(channel.writeAndFlush(new FrameBatch(frames)).isSuccess()).isTrue();
        List<Integer> before = messageLengths(channel);
        assertThat(before).hasSize(2).allSatisfy(length -> assertThat(length).isLessThanOrEqualTo(65_540));

        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX));
        assertThat(channel.writeAndFlush(new FrameBatch(frames)).isSuccess()).isTrue();
        List<Integer> after = messageLengths(channel);
        assertThat(after).as("once authenticated, one message up to maxFrameSize + 4").hasSize(1);
        assertThat(after.get(0)).isEqualTo(before.get(0) + before.get(1));
        assertThat(channel.finish()).isFalse();
    }

    private static List<Integer> messageLengths(EmbeddedChannel written) {
        List<Integer> lengths = new ArrayList<>();
        BinaryWebSocketFrame out;
        while ((out = written.readOutbound()) != null) {
            lengths.add(out.content().readableBytes());
            out.release();
        }
        return lengths;
    }

    @Test
    void afterAuthenticationAFrameUpToTheRaisedLimitIsAccepted() {
        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX));
        Publish big = new Publish("a", "", Map.of(), new byte[100_000]);
        channel.writeOutbound(big);
        BinaryWebSocketFrame out = channel.readOutbound();
        channel.writeInbound(out);
        Publish read = (Publish) inbound().get(0);
        assertThat(read.payload()).hasSize(100_000);
        assertThat(out.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBatchLongerThanAMessageMayBeIsCutBetweenFramesNeverInsideOne() {
        channel.pipeline().fireUserEventTriggered(new FrameSizeLimit(MAX)); // an authenticated session's
        // Small frames, then one frame of the largest size: together they exceed maxFrameSize + 4.
        List<Frame> frames = new ArrayList<>();
        for (int nonce = 1; nonce <= 10; nonce++) {
            frames.add(new Ping(nonce));
        }
        Publish largest = new Publish("a", "", Map.of(), new byte[MAX - 9]); // 2 + 3 + 2 + 2 header bytes
        frames.add(largest);
        frames.add(new Ping(11));
        ChannelFuture written = channel.writeAndFlush(new FrameBatch(frames));
        assertThat(written.isSuccess()).isTrue();

        List<BinaryWebSocketFrame> messages = new ArrayList<>();
        BinaryWebSocketFrame out;
        while ((out = channel.readOutbound()) != null) {
            messages.add(out);
        }
        assertThat(messages).hasSizeGreaterThan(1);
        EmbeddedChannel reader = new EmbeddedChannel(new BatchFrameDecoder(MAX, MAX));
        for (BinaryWebSocketFrame message : messages) {
            assertThat(message.content().readableBytes()).isLessThanOrEqualTo(MAX + 4);
            reader.writeInbound(message); // fails on any frame cut between two messages
        }
        List<Object> read = new ArrayList<>();
        Object next;
        while ((next = reader.readInbound()) != null) {
            read.add(next);
        }
        assertThat(read).hasSize(12);
        assertThat(read.get(10)).isInstanceOf(Publish.class);
        assertThat(((Publish) read.get(10)).payload()).hasSize(MAX - 9);
        assertThat(read.get(11)).isEqualTo(new Ping(11));
        for (BinaryWebSocketFrame message : messages) {
            assertThat(message.refCnt()).isZero();
        }
        assertThat(reader.finish()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aRefusalFromFurtherUpThePipelinePassesThroughUnchanged() {
        DecodeFailure refusal = new DecodeFailure(ErrorCode.FRAME_TOO_LARGE, "message length 70000 exceeds", true);
        channel.writeInbound(refusal);
        assertThat(inbound()).containsExactly(refusal);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theMessageLimitOfTheLargestFrameLimitStaysAPositiveInt() {
        assertThat(BatchFrameDecoder.messageLimit(1000)).isEqualTo(1004);
        assertThat(BatchFrameDecoder.messageLimit(Integer.MAX_VALUE - 4)).isEqualTo(Integer.MAX_VALUE);
        assertThat(BatchFrameDecoder.messageLimit(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void onceTheSessionsLimitIsKnownNoMessageIsLongerThanItAllowsEvenWhereTheListenersIsHigher() {
        int sessionLimit = 100;
        EmbeddedChannel node = new EmbeddedChannel(new BatchMessageEncoder(MAX), LengthPrefixedFrameEncoder.INSTANCE);
        node.pipeline().fireUserEventTriggered(new FrameSizeLimit(sessionLimit));
        // Three frames of 58 bytes: two of them with their prefixes (124 bytes) fit the listener's
        // limit but not the session's (104).
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            frames.add(new Publish("a", "", Map.of(), new byte[51]));
        }
        assertThat(node.writeAndFlush(new FrameBatch(frames)).isSuccess()).isTrue();
        List<Integer> lengths = new ArrayList<>();
        BinaryWebSocketFrame out;
        while ((out = node.readOutbound()) != null) {
            lengths.add(out.content().readableBytes());
            out.release();
        }
        assertThat(lengths).containsExactly(62, 62, 62);
        assertThat(node.finish()).isFalse();
    }
}
