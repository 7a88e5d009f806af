package io.aldis.itest.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.conformance.Rule.Step;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** The steps the conformance tables are written in. */
final class Steps {
    private Steps() {
    }

    static Step send(Frame frame) {
        return d -> d.send(frame);
    }

    /** Frames in one write, so the node reads them in one go. */
    static Step sendTogether(Frame... frames) {
        return d -> d.sendTogether(frames);
    }

    /** A TCP length prefix announcing {@code length} bytes, followed by {@code bodyBytes} of them. */
    static Step sendPrefix(long length, int bodyBytes) {
        return d -> {
            ByteBuffer b = ByteBuffer.allocate(4 + bodyBytes);
            b.putInt((int) length);
            if (bodyBytes > 0) {
                b.put((byte) FrameType.PING.code());
            }
            d.sendBytes(b.array());
        };
    }

    static Step sendBytes(byte[] bytes) {
        return d -> d.sendBytes(bytes);
    }

    /** Runs something outside the connection, such as releasing a service method. */
    static Step act(Runnable action) {
        return d -> action.run();
    }

    /** The next frame is of {@code type}; {@code check} looks at it further. */
    @SuppressWarnings("unchecked")
    static <T extends Frame> Step expect(FrameType type, Consumer<T> check) {
        return d -> {
            Frame frame = d.read();
            assertThat(frame.type()).as("the frame the node sent: %s", frame).isEqualTo(type);
            check.accept((T) frame);
        };
    }

    /** The next two frames are one of each type, in either order. */
    static Step both(FrameType one, FrameType other) {
        return d -> {
            FrameType first = d.read().type();
            FrameType second = d.read().type();
            assertThat(List.of(first, second)).containsExactlyInAnyOrder(one, other);
        };
    }

    static Step expect(FrameType type) {
        return expect(type, f -> {
        });
    }

    /** The next frame is ERROR with this code, answering this request id. */
    static Step error(ErrorCode code, long requestId) {
        return expect(FrameType.ERROR, (ErrorFrame e) -> {
            assertThat(e.errorCode()).as("code of %s", e).isEqualTo(code);
            assertThat(e.requestId()).as("request id of %s", e).isEqualTo(requestId);
        });
    }

    /** The next frame is ERROR with this code and request id, and the node then closes the connection. */
    static Step errorAndClose(ErrorCode code, long requestId) {
        Step error = error(code, requestId);
        return d -> {
            error.run(d);
            d.expectClosed();
        };
    }

    static Step closed() {
        return FrameClient::expectClosed;
    }

    /** PING with this nonce; the very next frame is its PONG (nothing else came first), and the connection is open. */
    static Step pingPong(long nonce) {
        return d -> {
            d.send(new Ping(nonce));
            pong(nonce).run(d);
        };
    }

    static Step pong(long nonce) {
        return expect(FrameType.PONG, (Pong p) -> assertThat(p.nonce()).isEqualTo(nonce));
    }

    static Step ack(long requestId) {
        return expect(FrameType.ACK, (Ack a) -> assertThat(a.requestId()).isEqualTo(requestId));
    }

    static Step deliver(long subscriptionId, String subject, String payload) {
        return expect(FrameType.DELIVER, (Deliver m) -> {
            assertThat(m.subscriptionId()).isEqualTo(subscriptionId);
            assertThat(m.subject()).isEqualTo(subject);
            assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo(payload);
        });
    }

    static Step rpcResponse(long callId, String json) {
        return expect(FrameType.RPC_RESPONSE, (RpcResponse r) -> {
            assertThat(r.callId()).isEqualTo(callId);
            assertThat(new String(r.result(), StandardCharsets.UTF_8)).isEqualTo(json);
        });
    }

    static Step rpcError(ErrorCode code, long callId) {
        return rpcError(code, callId, e -> {
        });
    }

    static Step rpcError(ErrorCode code, long callId, Consumer<RpcError> check) {
        return expect(FrameType.RPC_ERROR, (RpcError e) -> {
            assertThat(e.code()).as("code of %s", e).isEqualTo(code.code());
            assertThat(e.callId()).isEqualTo(callId);
            check.accept(e);
        });
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
