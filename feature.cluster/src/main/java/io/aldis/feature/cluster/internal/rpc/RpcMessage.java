package io.aldis.feature.cluster.internal.rpc;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.StreamSpec;
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
 * What one node says to another about a call, as the bytes a link or a Hazelcast topic carries
 * (a topic takes only a {@code byte[]}, as for pub/sub's messages). Layout: version (1 byte, {@value #VERSION}),
 * kind (1 byte), the call's id on the calling node (8 bytes), then by kind: CALL and
 * STREAMED_CALL the time left of its deadline in ms (4 bytes), the method and the parameters;
 * CANCEL, CALLEE_END and CALLER_END nothing; RESULT the result; ERROR and CALLEE_FAILED the code
 * (4 bytes), the message and the details; OPENED the stream's spec ({@link #spec}); CALLEE_ITEM and
 * CALLER_ITEM the item; CALLEE_CREDIT and CALLER_CREDIT the number of items granted (4 bytes),
 * and the first CALLER_CREDIT of a stream whose caller's credit counts bytes or a size function
 * then the caller's high-water mark (4 bytes), which a node of an older version leaves out and
 * does not read; CALLEE_CANCEL (the serving side takes no more of the caller's items) nothing.
 * Strings and byte arrays are an int length and the bytes (strings in UTF-8).
 *
 * <p>The kinds of a stream say which way they go: CALLEE_* from the serving node to the calling
 * node, CALLER_* the other way, since one node may both have sent and serve a call of one id.
 *
 * @param kind          what the message says
 * @param callId        the call's id on the calling node
 * @param timeoutMillis CALL: what is left of the caller's deadline, 0 for the serving node's default;
 *                      CALLER_CREDIT: the caller's high-water mark ({@link #callerMark}), 0 when not said
 * @param method        CALL: {@code service.method}
 * @param body          CALL: the parameters; RESULT: the result (UTF-8 JSON); OPENED: the spec; *_ITEM: the item
 * @param code          ERROR, CALLEE_FAILED: the error code; CALLEE_CREDIT, CALLER_CREDIT: the items granted
 * @param message       ERROR: the message
 * @param details       ERROR: the details
 */
public record RpcMessage(Kind kind, long callId, int timeoutMillis, String method, byte[] body, int code,
        String message, String details) {
    static final int VERSION = 1;

    /**
     * What a message says: a call to run, a call to cancel, or a call's answer; and for a call
     * with streams, its stream opened, an item, the end, a failure and credit, each way.
     */
    public enum Kind {
        CALL, CANCEL, RESULT, ERROR,
        STREAMED_CALL, OPENED, CALLEE_ITEM, CALLEE_END, CALLEE_FAILED, CALLEE_CREDIT, CALLER_ITEM, CALLER_END,
        CALLER_CREDIT, CALLEE_CANCEL
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

    public static RpcMessage streamedCall(long callId, int timeoutMillis, String method, byte[] params) {
        return new RpcMessage(Kind.STREAMED_CALL, callId, timeoutMillis, method, params, 0, "", "");
    }

    public static RpcMessage opened(long callId, StreamSpec spec) {
        return new RpcMessage(Kind.OPENED, callId, 0, "", spec(spec), 0, "", "");
    }

    /** An item, of the serving node ({@code fromCallee}) or of the caller. */
    public static RpcMessage item(long callId, boolean fromCallee, byte[] item) {
        return new RpcMessage(fromCallee ? Kind.CALLEE_ITEM : Kind.CALLER_ITEM, callId, 0, "", item, 0, "", "");
    }

    /** The items of the serving node ({@code fromCallee}) or of the caller ended. */
    public static RpcMessage end(long callId, boolean fromCallee) {
        return new RpcMessage(fromCallee ? Kind.CALLEE_END : Kind.CALLER_END, callId, 0, "", new byte[0], 0, "", "");
    }

    /** The serving node's items failed. */
    public static RpcMessage calleeFailed(long callId, int code, String message) {
        return new RpcMessage(Kind.CALLEE_FAILED, callId, 0, "", new byte[0], code, message == null ? "" : message, "");
    }

    /** The serving side cancelled the caller's items: it takes no more of them. */
    public static RpcMessage cancelCallerItems(long callId) {
        return new RpcMessage(Kind.CALLEE_CANCEL, callId, 0, "", new byte[0], 0, "", "");
    }

    /** Credit for {@code items} more items, granted by the serving node ({@code fromCallee}) or by the caller. */
    public static RpcMessage credit(long callId, boolean fromCallee, int items) {
        return new RpcMessage(fromCallee ? Kind.CALLEE_CREDIT : Kind.CALLER_CREDIT, callId, 0, "", new byte[0], items,
                "", "");
    }

    /**
     * The caller's first credit, with its high-water mark {@code mark} in the stream's unit (0 to
     * leave it out), which the serving node grants a relayed provider.
     */
    public static RpcMessage callerCredit(long callId, int items, int mark) {
        return new RpcMessage(Kind.CALLER_CREDIT, callId, Math.max(0, mark), "", new byte[0], items, "", "");
    }

    /** CALLER_CREDIT: the caller's high-water mark it carries, 0 when it carries none. */
    public int callerMark() {
        return kind == Kind.CALLER_CREDIT ? timeoutMillis : 0;
    }

    /**
     * A stream's spec as bytes: direction (1 byte), credit mode (1 byte), high-water mark (4 bytes),
     * the method and the size function ("" for none), as strings.
     */
    static byte[] spec(StreamSpec spec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + spec.method().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(spec.direction().code());
            out.writeByte(spec.creditMode().code());
            out.writeInt(spec.highWaterMark());
            bytes(out, spec.method().getBytes(StandardCharsets.UTF_8));
            bytes(out, (spec.sizeFunction() == null ? "" : spec.sizeFunction()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The spec of an OPENED message; anything else is refused with an {@link IllegalArgumentException}. */
    public StreamSpec spec() {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            StreamDirection direction = StreamDirection.of(in.readUnsignedByte());
            CreditMode mode = CreditMode.of(in.readUnsignedByte());
            if (direction == null || mode == null) {
                throw new IllegalArgumentException("unknown stream direction or credit mode");
            }
            int highWaterMark = in.readInt();
            String method = new String(bytes(in, body.length), StandardCharsets.UTF_8);
            String sizeFunction = new String(bytes(in, body.length), StandardCharsets.UTF_8);
            return new StreamSpec(method, direction, mode, sizeFunction.isEmpty() ? null : sizeFunction, highWaterMark);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated stream spec", e);
        }
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + body.length + method.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(kind.ordinal());
            out.writeLong(callId);
            switch (kind) {
                case CALL, STREAMED_CALL -> {
                    out.writeInt(timeoutMillis);
                    bytes(out, method.getBytes(StandardCharsets.UTF_8));
                    bytes(out, body);
                }
                case RESULT, OPENED, CALLEE_ITEM, CALLER_ITEM -> bytes(out, body);
                case ERROR, CALLEE_FAILED -> {
                    out.writeInt(code);
                    bytes(out, message.getBytes(StandardCharsets.UTF_8));
                    bytes(out, details.getBytes(StandardCharsets.UTF_8));
                }
                case CALLEE_CREDIT, CALLER_CREDIT -> {
                    out.writeInt(code);
                    if (callerMark() > 0) {
                        out.writeInt(callerMark());
                    }
                }
                case CANCEL, CALLEE_END, CALLER_END, CALLEE_CANCEL -> {
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
                case STREAMED_CALL -> {
                    int timeout = in.readInt();
                    String method = new String(bytes(in, data.length), StandardCharsets.UTF_8);
                    yield streamedCall(callId, timeout, method, bytes(in, data.length));
                }
                case CANCEL -> cancel(callId);
                case RESULT -> result(callId, bytes(in, data.length));
                case ERROR, CALLEE_FAILED -> {
                    int code = in.readInt();
                    String message = new String(bytes(in, data.length), StandardCharsets.UTF_8);
                    String details = new String(bytes(in, data.length), StandardCharsets.UTF_8);
                    yield kind == Kind.ERROR.ordinal() ? error(callId, code, message, details)
                            : calleeFailed(callId, code, message);
                }
                case OPENED -> new RpcMessage(Kind.OPENED, callId, 0, "", bytes(in, data.length), 0, "", "");
                case CALLEE_ITEM, CALLER_ITEM -> item(callId, kind == Kind.CALLEE_ITEM.ordinal(), bytes(in, data.length));
                case CALLEE_END, CALLER_END -> end(callId, kind == Kind.CALLEE_END.ordinal());
                case CALLEE_CANCEL -> cancelCallerItems(callId);
                case CALLEE_CREDIT, CALLER_CREDIT -> {
                    int items = in.readInt();
                    if (items <= 0) {
                        throw new IllegalArgumentException("credit of " + items + " items");
                    }
                    if (kind == Kind.CALLER_CREDIT.ordinal() && in.available() >= 4) {
                        int mark = in.readInt();
                        if (mark <= 0) {
                            throw new IllegalArgumentException("a caller's high-water mark of " + mark);
                        }
                        yield callerCredit(callId, items, mark);
                    }
                    yield credit(callId, kind == Kind.CALLEE_CREDIT.ordinal(), items);
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
