package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler behind the real length-prefix codec, with the node speaking bytes. */
class WireLevelTest {
    private static final int MAX_FRAME = 64 * 1024;

    private final ClientHandlerTest.Recorder events = new ClientHandlerTest.Recorder();
    private final List<ByteBuf> inbound = new ArrayList<>();
    private ClientHandler handler;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        HandshakeParams params = new HandshakeParams(UUID.randomUUID(), Capability.maskOf(EnumSet.allOf(Capability.class)),
                "wire-test", null, null, "alice", "pencil".toCharArray(), "SCRAM-SHA-256", 10, Duration.ofSeconds(10), null);
        handler = new ClientHandler(params, events, new StatsCounters(), new RequestTracker());
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new LengthPrefixedFrameDecoder(MAX_FRAME), LengthPrefixedFrameEncoder.INSTANCE,
                handler);
    }

    @AfterEach
    void noLeaks() {
        channel.checkException();
        assertThat(channel.finishAndReleaseAll()).as("bytes left over").isFalse();
        for (ByteBuf buf : inbound) {
            assertThat(buf.refCnt()).as("inbound buffer released by the decoder").isZero();
        }
    }

    private static ByteBuf bytes(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(0);
        FrameCodec.encode(frame, buf);
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }

    private void feed(ByteBuf buf) {
        inbound.add(buf);
        channel.writeInbound(buf);
    }

    private void feed(Frame frame) {
        feed(bytes(frame));
    }

    private Frame written() {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("bytes written by the client").isNotNull();
        try {
            int length = out.readInt();
            assertThat(out.readableBytes()).isEqualTo(length);
            return FrameCodec.decode(out);
        } finally {
            out.release();
        }
    }

    private static ConnectAck ack() {
        return new ConnectAck(0, ProtocolVersion.V1, Capability.maskOf(EnumSet.of(Capability.MESSAGES)),
                UUID.randomUUID(), MAX_FRAME, 5_000, 1L << 20, 32 * 1024, List.of("SCRAM-SHA-256"), "node");
    }

    @Test
    void scramHandshakeOverBytesFedOneByteAtATime() throws Exception {
        Connect connect = (Connect) written();
        assertThat(connect.clientName()).isEqualTo("wire-test");
        ScramTestServer node = new ScramTestServer("pencil".toCharArray());

        ByteBuf ackBytes = bytes(ack());
        while (ackBytes.isReadable()) {
            feed(ackBytes.readRetainedSlice(1));
        }
        ackBytes.release();
        inbound.add(ackBytes);

        AuthStart start = (AuthStart) written();
        feed(new AuthChallenge(node.serverFirst(start.data())));
        AuthResponse response = (AuthResponse) written();
        feed(new AuthOk("alice", "tok", 1L, node.serverFinal(response.data())));
        assertThat(handler.opened()).isCompleted();

        feed(new Ping(9));
        assertThat(written()).isEqualTo(new Pong(9));
    }

    @Test
    void frameOverTheSizeLimitClosesTheConnection() {
        written(); // CONNECT
        ByteBuf huge = Unpooled.buffer().writeInt(MAX_FRAME + 1).writeByte(FrameType.PING.code());
        feed(huge);
        assertThat(channel.isOpen()).isFalse();
        assertThat(events.closed).singleElement()
                .satisfies(c -> assertThat(c.reason().code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        assertThat(handler.opened()).isCompletedExceptionally();
    }

    @Test
    void unknownFrameTypeIsSkippedWithoutClosing() {
        written(); // CONNECT
        ByteBuf unknown = Unpooled.buffer().writeInt(2).writeByte(0xEE).writeByte(0);
        feed(unknown);
        assertThat(channel.isOpen()).isTrue();
        feed(ack());
        assertThat(written()).isInstanceOf(AuthStart.class);
    }
}
