package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + message.payload().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
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
            out.write(message.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
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
