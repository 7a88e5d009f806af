package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.protocol.api.codec.RepeatedStrings;
import io.aldis.feature.cluster.internal.links.LinkBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A message on its way from one node to another, as the bytes a link or a Hazelcast topic carries
 * (a topic takes only a {@code byte[]}, so no class of this bundle has to be known to Hazelcast's
 * serializer).
 * Layout: version (1 byte, {@value #VERSION}), subject, reply subject, header count and pairs,
 * queue-group count and names (each string an int length and UTF-8), payload length and payload.
 *
 * @param message     the message
 * @param queueGroups the queue groups the receiving node serves for it
 */
public record WireMessage(PublishedMessage message, Set<String> queueGroups) implements LinkBody {
    static final int VERSION = 1;

    /** The bytes that cross, in one array of the exact size. */
    public byte[] encode() {
        return toBytes();
    }

    @Override
    public int length() {
        int size = 1 + 4 + ByteBufUtil.utf8Bytes(message.subject()) + 4 + ByteBufUtil.utf8Bytes(message.replyTo()) + 4;
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            size += 4 + ByteBufUtil.utf8Bytes(h.getKey()) + 4 + ByteBufUtil.utf8Bytes(h.getValue());
        }
        size += 4;
        for (String g : queueGroups) {
            size += 4 + ByteBufUtil.utf8Bytes(g);
        }
        return size + 4 + message.payload().length;
    }

    /** Writes the layout above, big-endian, exactly {@link #length()} bytes. */
    @Override
    public void writeTo(ByteBuf out) {
        out.writeByte(VERSION);
        string(out, message.subject());
        string(out, message.replyTo());
        out.writeInt(message.headers().size());
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            string(out, h.getKey());
            string(out, h.getValue());
        }
        out.writeInt(queueGroups.size());
        for (String g : queueGroups) {
            string(out, g);
        }
        out.writeInt(message.payload().length);
        out.writeBytes(message.payload());
    }

    private static void string(ByteBuf out, String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        out.writeInt(length);
        // Exactly that much is reserved: a buffer of the message's exact size has no more room.
        ByteBufUtil.reserveAndWriteUtf8(out, s, length);
    }

    /** Reads what {@link #encode} wrote; anything else is refused with an {@link IllegalArgumentException}. */
    public static WireMessage decode(byte[] data) {
        return decode(data, null);
    }

    /**
     * Reads what {@link #encode} wrote, taking the subject, the reply subject and header names
     * from {@code strings} when they repeat (the same {@code String}, its hash already known to
     * every map a delivery looks it up in); anything else is refused with an
     * {@link IllegalArgumentException}.
     *
     * @param strings the strings the caller's thread keeps seeing, or {@code null}
     */
    public static WireMessage decode(byte[] data, RepeatedStrings strings) {
        ByteBuffer in = ByteBuffer.wrap(data);
        ByteBuf repeated = strings == null ? null : Unpooled.wrappedBuffer(data);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown message version " + version);
            }
            String subject = string(in, strings, repeated);
            String replyTo = string(in, strings, repeated);
            int headerCount = count(in);
            Map<String, String> headers = headerCount == 0 ? Map.of() : new LinkedHashMap<>();
            for (int i = 0; i < headerCount; i++) {
                headers.put(string(in, strings, repeated), string(in, null, null));
            }
            int groupCount = count(in);
            Set<String> groups = groupCount == 0 ? Set.of() : new HashSet<>();
            for (int i = 0; i < groupCount; i++) {
                groups.add(string(in, strings, repeated));
            }
            byte[] payload = new byte[count(in)];
            in.get(payload);
            return new WireMessage(new PublishedMessage(subject, replyTo, headers, payload), groups);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated message", e);
        }
    }

    private static String string(ByteBuffer in, RepeatedStrings strings, ByteBuf repeated) {
        int length = count(in);
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated message");
        }
        String s = null;
        if (strings != null) {
            repeated.readerIndex(in.position());
            s = strings.read(repeated, length);
        }
        if (s == null) {
            s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        }
        in.position(in.position() + length);
        return s;
    }

    /** A length or count, which can never exceed the bytes the message has left. */
    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("bad length " + n);
        }
        return n;
    }
}
