package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes what a WebSocket client sends after the upgrade, through the listener's inbound chain:
 * {@link MessageSizeGuard}, Netty's frame decoder with the listener's settings
 * ({@link WsServer#protocolConfig}), the message aggregator and {@link WsFrameCodec}, or, when
 * bit 2 of the first input byte is set, the chain of the batched subprotocol (the guard allowing
 * one length prefix, {@link BatchFrameDecoder}). The first input byte picks the form of the rest:
 * raw WebSocket bytes (even), or protocol frames behind 4-byte length prefixes (odd; the TCP
 * decoder's seeds) that Netty's client-side encoder sends as masked binary messages: one frame
 * per message, split in two fragments when bit 1 is set; under the batched subprotocol the
 * prefixed bytes as they are in one message, or cut in two messages at the middle when bit 1 is
 * set. The contract:
 * <ul>
 *   <li>only frames, control messages and {@link DecodeFailure}s with protocol codes in the
 *       project's words come out, and the only errors raised are Netty's report of a protocol
 *       violation and of a message cut short by a close, after which the connection is closed;</li>
 *   <li>no message longer than the current limit reaches the frame codec: the guard refuses it
 *       from its header ({@code FRAME_TOO_LARGE}) and closes, before the aggregator's backstop;</li>
 *   <li>every buffer is released.</li>
 * </ul>
 */
class WsFramesFuzzTest {
    private static final int FIRST_LIMIT = 1024;
    private static final int MAX_FRAME = 4096;
    private static final Set<ErrorCode> REFUSALS = EnumSet.of(ErrorCode.PROTOCOL_ERROR, ErrorCode.FRAME_TOO_LARGE,
            ErrorCode.MALFORMED_FRAME, ErrorCode.UNKNOWN_FRAME_TYPE);

    @FuzzTest
    void framesOrACleanClose(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean batched = (input[0] & 4) != 0;
        boolean split = (input[0] & 2) != 0;
        byte[] wire = (input[0] & 1) == 0 ? Arrays.copyOfRange(input, 1, input.length)
                : batched ? asBatchedMessages(input, split) : asMessages(input, split);
        if (wire.length == 0) {
            return; // nothing reaches the listener (and Netty's shared empty buffer is never released)
        }
        MessageSizes sizes = new MessageSizes();
        List<String> refusals = new ArrayList<>();
        WsSettings settings = WsSettings.plain("fuzz", 0).withLimits(10, MAX_FRAME);
        int allowance = batched ? BatchFrameDecoder.PREFIX : 0;
        EmbeddedChannel channel = new EmbeddedChannel(
                new MessageSizeGuard(FIRST_LIMIT, MAX_FRAME, allowance, refusals::add),
                new WebSocket13FrameDecoder(WsServer.protocolConfig(settings).decoderConfig()),
                new WebSocketFrameAggregator(MAX_FRAME + allowance), sizes,
                batched ? new BatchFrameDecoder(MAX_FRAME, FIRST_LIMIT) : new WsFrameCodec());
        ByteBuf bytes = Unpooled.copiedBuffer(wire);
        List<Throwable> raised = new ArrayList<>();
        allowingCloseReports(() -> channel.writeInbound(bytes), raised);
        List<Object> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            out.add(o);
        }
        boolean openAfterInput = channel.isOpen();
        allowingCloseReports(channel::finishAndReleaseAll, raised);
        assertThat(bytes.refCnt()).as("the read buffer left unreleased").isZero();

        assertThat(sizes.largest).as("longest message given to the frame codec")
                .isLessThanOrEqualTo(FIRST_LIMIT + allowance);
        for (Object o : out) {
            if (o instanceof DecodeFailure failure) {
                assertThat(failure.code()).as(failure.message()).isIn(REFUSALS);
                assertThat(failure.message()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
            } else if (o instanceof WebSocketFrame control) {
                assertThat(control).isNotInstanceOf(BinaryWebSocketFrame.class);
                ReferenceCountUtil.release(control);
            } else {
                assertThat(o).isInstanceOf(Frame.class);
            }
        }
        if (!refusals.isEmpty()) {
            assertThat(out).anyMatch(o -> o instanceof DecodeFailure f && f.code() == ErrorCode.FRAME_TOO_LARGE);
        }
        if (!refusals.isEmpty() || raised.stream().anyMatch(CorruptedWebSocketFrameException.class::isInstance)) {
            assertThat(openAfterInput).as("closed after a protocol violation or a refusal").isFalse();
        }
    }

    /**
     * Runs {@code step}, collecting the errors the listener answers by closing: Netty's decoder
     * reports a protocol violation after writing its close frame, and the aggregator reports a
     * message cut short by a close. Any other error is a finding.
     */
    private static void allowingCloseReports(Runnable step, List<Throwable> raised) {
        try {
            step.run();
        } catch (CorruptedWebSocketFrameException | PrematureChannelClosureException e) {
            raised.add(e);
        }
    }

    /** The length-prefixed frames of {@code input} as a client would send them, masked. */
    private static byte[] asMessages(byte[] input, boolean fragmented) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        ByteBuffer frames = ByteBuffer.wrap(input, 1, input.length - 1);
        while (frames.remaining() >= 4) {
            int length = Math.min(Math.max(frames.getInt(), 0), frames.remaining());
            byte[] frame = new byte[length];
            frames.get(frame);
            if (fragmented && length > 1) {
                client.writeOutbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(frame, 0, length / 2)));
                client.writeOutbound(new ContinuationWebSocketFrame(true, 0,
                        Unpooled.wrappedBuffer(frame, length / 2, length - length / 2)));
            } else {
                client.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
            }
        }
        return drain(client);
    }

    /** The bytes of the length-prefixed frames of {@code input} in one masked message, or cut in two. */
    private static byte[] asBatchedMessages(byte[] input, boolean cutInTwo) {
        int length = input.length - 1;
        if (length == 0) {
            return new byte[0];
        }
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        int cut = cutInTwo && length > 1 ? length / 2 : length;
        client.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(input, 1, cut)));
        if (cut < length) {
            client.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(input, 1 + cut, length - cut)));
        }
        return drain(client);
    }

    private static byte[] drain(EmbeddedChannel client) {
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part; (part = client.readOutbound()) != null; ) {
            wire.writeBytes(part);
            part.release();
        }
        client.finishAndReleaseAll();
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        wire.release();
        return bytes;
    }

    /** Records the length of each complete message on its way to the frame codec. */
    private static final class MessageSizes extends ChannelInboundHandlerAdapter {
        int largest;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame message) {
                largest = Math.max(largest, message.content().readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
