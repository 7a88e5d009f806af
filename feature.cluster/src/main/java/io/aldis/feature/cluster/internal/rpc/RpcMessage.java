package io.aldis.feature.cluster.internal.rpc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * What one node says to another about a call, as the bytes Hazelcast carries (only a
 * {@code byte[]} crosses, as for pub/sub's messages). Layout: version (1 byte, {@value #VERSION}),
 * kind (1 byte), the call's id on the calling node (8 bytes), then by kind: CALL the time left of
 * its deadline in ms (4 bytes), the method and the parameters; CANCEL nothing; RESULT the result;
 * ERROR the code (4 bytes), the message and the details. Strings and byte arrays are an int length
 * and the bytes (strings in UTF-8).
 *
 * @param kind          what the message says
 * @param callId        the call's id on the calling node
 * @param timeoutMillis CALL: what is left of the caller's deadline, 0 for the serving node's default
 * @param method        CALL: {@code service.method}
 * @param body          CALL: the parameters; RESULT: the result (UTF-8 JSON)
 * @param code          ERROR: the error code
 * @param message       ERROR: the message
 * @param details       ERROR: the details
 */
public record RpcMessage(Kind kind, long callId, int timeoutMillis, String method, byte[] body, int code,
        String message, String details) {
    static final int VERSION = 1;

    /** What a message says: a call to run, a call to cancel, or a call's answer. */
    public enum Kind {
        CALL, CANCEL, RESULT, ERROR
    }

    public static RpcMessage call(long callId, int timeoutMillis, String method, byte[] params) {
        return new RpcMessage(Kind.CALL, callId, timeoutMillis, method, params, 0, "", "");
    }

    public static RpcMessage cancel(long callId) {
        return new RpcMessage(Kind.CANCEL, callId, 0, "", new byte[0], 0, "", "");
    }

    public static RpcMessage result(long callId, byte[] json) {
        return new RpcMessage(Kind.RESULT, callId, 0, "", json, 0, "", "");
    }

    public static RpcMessage error(long callId, int code, String message, String details) {
        return new RpcMessage(Kind.ERROR, callId, 0, "", new byte[0], code, message == null ? "" : message,
                details == null ? "" : details);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + body.length + method.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(kind.ordinal());
            out.writeLong(callId);
            switch (kind) {
                case CALL -> {
                    out.writeInt(timeoutMillis);
                    bytes(out, method.getBytes(StandardCharsets.UTF_8));
                    bytes(out, body);
                }
                case RESULT -> bytes(out, body);
                case ERROR -> {
                    out.writeInt(code);
                    bytes(out, message.getBytes(StandardCharsets.UTF_8));
                    bytes(out, details.getBytes(StandardCharsets.UTF_8));
                }
                case CANCEL -> {
                    // the id says it all
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #encode} wrote; anything else is refused with an {@link IllegalArgumentException}. */
    public static RpcMessage decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown message version " + version);
            }
            int kind = in.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new IllegalArgumentException("unknown message kind " + kind);
            }
            long callId = in.readLong();
            return switch (Kind.values()[kind]) {
                case CALL -> {
                    int timeout = in.readInt();
                    String method = new String(bytes(in, data.length), StandardCharsets.UTF_8);
                    yield call(callId, timeout, method, bytes(in, data.length));
                }
                case CANCEL -> cancel(callId);
                case RESULT -> result(callId, bytes(in, data.length));
                case ERROR -> {
                    int code = in.readInt();
                    String message = new String(bytes(in, data.length), StandardCharsets.UTF_8);
                    yield error(callId, code, message, new String(bytes(in, data.length), StandardCharsets.UTF_8));
                }
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated message", e);
        }
    }

    /**
     * The id of a call in a message that may not decode (an unknown version, a bad length): its
     * first bytes are version, kind and id in every version, so a CALL can still be answered.
     */
    public static OptionalLong callIdOfCall(byte[] data) {
        if (data.length < 10 || data[1] != Kind.CALL.ordinal()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ByteBuffer.wrap(data, 2, 8).getLong());
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** A length that can never exceed the bytes the message has. */
    private static byte[] bytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IllegalArgumentException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
