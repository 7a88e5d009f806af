package io.aldis.client.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream's items as bytes and back (docs/protocol.md 5.6, 6.4.1): on a stream an item is the
 * UTF-8 JSON of one value, or the raw bytes for {@code byte[]} and {@link ByteBuffer} items; in a
 * batch the items are one JSON array, raw items as arrays of integers 0–255.
 */
final class ItemCodec {
    private final ObjectMapper mapper;
    private final Type type;
    private final boolean raw;
    private final ObjectReader reader;

    /** The codec of items of {@code type}. */
    ItemCodec(ObjectMapper mapper, Type type) {
        this.mapper = mapper;
        this.type = type;
        this.raw = isRaw(type);
        this.reader = raw ? null : mapper.readerFor(mapper.constructType(type));
    }

    /** Whether items of {@code type} travel as raw bytes ({@code Stream<bytes>}). */
    static boolean isRaw(Type type) {
        return type == byte[].class || type == ByteBuffer.class;
    }

    /** The item's bytes as STREAM_DATA carries them. */
    byte[] encode(Object item) throws IOException {
        if (item instanceof byte[] bytes) {
            return bytes;
        }
        if (item instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return mapper.writeValueAsBytes(item);
    }

    /** The item's element in a batch: its JSON, or for raw bytes a JSON array of integers. */
    byte[] encodeForBatch(Object item) throws IOException {
        if (item instanceof byte[] || item instanceof ByteBuffer) {
            byte[] bytes = encode(item);
            StringBuilder json = new StringBuilder(bytes.length * 4 + 2).append('[');
            for (int i = 0; i < bytes.length; i++) {
                json.append(i == 0 ? "" : ",").append(bytes[i] & 0xff);
            }
            return json.append(']').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return mapper.writeValueAsBytes(item);
    }

    /** The item STREAM_DATA carried, as the application's type. */
    Object decode(byte[] item) throws IOException {
        if (type == byte[].class) {
            return item;
        }
        if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(item);
        }
        return reader.readValue(item);
    }

    /**
     * The items of a batch, each still as the bytes a stream would carry, so that they are decoded
     * one at a time as they are delivered, as streamed items are.
     *
     * @throws IOException when {@code json} is not a JSON array, or a raw item not an array of bytes
     */
    List<byte[]> splitBatch(byte[] json) throws IOException {
        JsonNode root = mapper.readTree(json);
        if (root == null || root.isNull()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new NotABatch("expected a JSON array of items, got "
                    + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<byte[]> items = new ArrayList<>(root.size());
        for (JsonNode element : root) {
            items.add(raw ? rawItem(element) : mapper.writeValueAsBytes(element));
        }
        return items;
    }

    private static byte[] rawItem(JsonNode element) throws IOException {
        if (!element.isArray()) {
            throw new NotABatch("expected an item of bytes as an array of integers 0-255");
        }
        byte[] bytes = new byte[element.size()];
        for (int i = 0; i < bytes.length; i++) {
            JsonNode b = element.get(i);
            if (!b.isInt() || b.intValue() < 0 || b.intValue() > 255) {
                throw new NotABatch("expected an item of bytes as an array of integers 0-255");
            }
            bytes[i] = (byte) b.intValue();
        }
        return bytes;
    }

    /** A batch of the wrong shape; its message is in the protocol's words. */
    static final class NotABatch extends IOException {
        private static final long serialVersionUID = 1L;

        NotABatch(String message) {
            super(message);
        }
    }

    /** The items' type, for messages. */
    String typeName() {
        return type.getTypeName();
    }
}
