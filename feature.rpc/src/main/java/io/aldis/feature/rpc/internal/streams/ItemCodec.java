package io.aldis.feature.rpc.internal.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.aldis.feature.rpc.internal.export.Json;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.params.ParamDecoder;
import io.aldis.protocol.api.params.ParamSignature;
import io.aldis.protocol.api.params.ValueCheck;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of one stream of a method, as values of its declared item type and as the bytes of
 * STREAM_DATA: the UTF-8 JSON of one value, through the same strict mapping and checks as a
 * call's parameters and results, or the raw bytes of a stream of {@code byte[]} or
 * {@link ByteBuffer} items. In a batch (docs/protocol.md 6.4.1) raw items are arrays of integers
 * 0–255.
 */
public final class ItemCodec {
    private final JavaType type;
    private final Raw raw;
    private final ObjectWriter writer;
    /** Decodes one item as the one parameter of a call, so it is checked as a parameter is. */
    private final ParamSignature single;
    private final ValueCheck check;

    private enum Raw { NONE, ARRAY, BUFFER }

    /**
     * @param name what errors call an item: the parameter's name, or "item" for a result
     * @param check the checks each decoded item must pass (constraint annotations)
     */
    public ItemCodec(Type itemType, String name, ValueCheck check) {
        this.type = TypeFactory.defaultInstance().constructType(itemType);
        Class<?> rawClass = type.getRawClass();
        this.raw = rawClass == byte[].class ? Raw.ARRAY : ByteBuffer.class.isAssignableFrom(rawClass) ? Raw.BUFFER
                : Raw.NONE;
        // The declared type's serializer only when it is also the runtime type, else each value's own.
        this.writer = raw == Raw.NONE && !rawClass.isArray() && !rawClass.isPrimitive()
                && java.lang.reflect.Modifier.isFinal(rawClass.getModifiers()) ? Json.MAPPER.writerFor(type)
                : Json.MAPPER.writer();
        this.single = ParamSignature.of(List.of(name), List.of(raw == Raw.NONE ? type : byte[].class));
        this.check = check;
    }

    /** What errors call an item: the streamed parameter's name, or "item". */
    public String name() {
        return single.name(0);
    }

    /** The type a batch of these items is decoded as: a list of the item type ({@code byte[]} for raw items). */
    public JavaType batchType() {
        return TypeFactory.defaultInstance().constructCollectionType(List.class,
                raw == Raw.NONE ? type : TypeFactory.defaultInstance().constructType(byte[].class));
    }

    /**
     * The bytes of STREAM_DATA for one item. A {@code byte[]} item is that array itself: it belongs to
     * the stream once given (docs/streams.md), and a copy of each 64 KiB item cost a third of a bytes
     * mode stream's speed (docs/benchmarks.md). A {@link ByteBuffer} is copied, since publishers
     * commonly fill one buffer again for the next item.
     */
    public byte[] encode(Object item) throws JsonProcessingException {
        return switch (raw) {
            case ARRAY -> (byte[]) item;
            case BUFFER -> {
                ByteBuffer b = ((ByteBuffer) item).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                yield bytes;
            }
            case NONE -> writer.writeValueAsBytes(item);
        };
    }

    /**
     * One item from the bytes of STREAM_DATA.
     *
     * @throws InvalidParamsException when the bytes are not a valid value of the item type
     */
    public Object decode(byte[] bytes) throws InvalidParamsException {
        return switch (raw) {
            case ARRAY -> bytes;
            case BUFFER -> ByteBuffer.wrap(bytes);
            case NONE -> {
                byte[] wrapped = new byte[bytes.length + 2];
                wrapped[0] = '[';
                System.arraycopy(bytes, 0, wrapped, 1, bytes.length);
                wrapped[wrapped.length - 1] = ']';
                Object value = ParamDecoder.decode(single, wrapped, false, check)[0];
                if (value == null) {
                    throw new InvalidParamsException(List.of(new io.aldis.protocol.api.params.FieldError(
                            single.name(0), "an item cannot be null")));
                }
                yield value;
            }
        };
    }

    /** The items of a decoded batch as the method takes them (raw items wrapped as buffers where declared so). */
    public List<Object> fromBatch(List<?> batch) {
        List<Object> items = new ArrayList<>(batch.size());
        for (Object item : batch) {
            items.add(raw == Raw.BUFFER ? ByteBuffer.wrap((byte[]) item) : item);
        }
        return items;
    }

    /** Appends one item to a batch being written, as JSON (raw items as arrays of integers 0–255). */
    public void appendToBatch(Object item, ByteArrayOutputStream out) throws JsonProcessingException {
        if (raw == Raw.NONE) {
            out.writeBytes(writer.writeValueAsBytes(item));
            return;
        }
        byte[] bytes = encode(item);
        StringBuilder json = new StringBuilder(bytes.length * 4 + 2).append('[');
        for (int i = 0; i < bytes.length; i++) {
            json.append(i == 0 ? "" : ",").append(bytes[i] & 0xFF);
        }
        out.writeBytes(json.append(']').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
