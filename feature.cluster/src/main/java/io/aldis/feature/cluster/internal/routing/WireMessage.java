package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.protocol.api.codec.RepeatedStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
public record WireMessage(PublishedMessage message, Set<String> queueGroups) {
    static final int VERSION = 1;

    /** The bytes that cross, in one array of the exact size (no growing buffer, no copy at the end). */
    public byte[] encode() {
        byte[] subject = utf8(message.subject());
        byte[] replyTo = utf8(message.replyTo());
        int size = 1 + 4 + subject.length + 4 + replyTo.length + 4 + 4 + 4 + message.payload().length;
        List<byte[]> headers = new ArrayList<>(message.headers().size() * 2);
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            headers.add(utf8(h.getKey()));
            headers.add(utf8(h.getValue()));
        }
        List<byte[]> groups = new ArrayList<>(queueGroups.size());
        for (String g : queueGroups) {
            groups.add(utf8(g));
        }
        for (byte[] b : headers) {
            size += 4 + b.length;
        }
        for (byte[] b : groups) {
            size += 4 + b.length;
        }
        // Big-endian, as DataOutputStream wrote it before: the layout between nodes is unchanged.
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) VERSION);
        string(out, subject);
        string(out, replyTo);
        out.putInt(message.headers().size());
        for (byte[] b : headers) {
            string(out, b);
        }
        out.putInt(groups.size());
        for (byte[] b : groups) {
            string(out, b);
        }
        out.putInt(message.payload().length);
        out.put(message.payload());
        return out.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void string(ByteBuffer out, byte[] utf8) {
        out.putInt(utf8.length);
        out.put(utf8);
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
