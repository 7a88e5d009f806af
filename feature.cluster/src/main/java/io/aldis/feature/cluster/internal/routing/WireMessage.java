package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A message on its way from one node to another, as the bytes Hazelcast carries: only a
 * {@code byte[]} crosses, so no class of this bundle has to be known to Hazelcast's serializer.
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
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown message version " + version);
            }
            String subject = string(in, data.length);
            String replyTo = string(in, data.length);
            int headerCount = count(in, data.length);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < headerCount; i++) {
                headers.put(string(in, data.length), string(in, data.length));
            }
            int groupCount = count(in, data.length);
            Set<String> groups = new HashSet<>();
            for (int i = 0; i < groupCount; i++) {
                groups.add(string(in, data.length));
            }
            byte[] payload = new byte[count(in, data.length)];
            in.readFully(payload);
            return new WireMessage(new PublishedMessage(subject, replyTo, headers, payload), groups);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated message", e);
        }
    }

    private static String string(DataInputStream in, int limit) throws IOException {
        byte[] b = new byte[count(in, limit)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A length or count, which can never exceed the bytes the message has. */
    private static int count(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IllegalArgumentException("bad length " + n);
        }
        return n;
    }
}
