package io.aldis.client.internal.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The parameters of a streaming call as RPC_REQUEST carries them (docs/protocol.md 6.4.1): by
 * position, with the streamed parameter (the one {@link Flow.Publisher} among them) as JSON
 * {@code null} on a call with streams, or as the JSON array of its items in a batch; or one value
 * when the call streams no parameter. Immutable.
 */
final class CallParams {
    /** The parameters by position, or null when they are one value. */
    private final List<Object> positional;
    private final Object value;
    private final int streamedIndex;
    private final ItemCodec streamCodec;

    private CallParams(List<Object> positional, Object value, int streamedIndex, ItemCodec streamCodec) {
        this.positional = positional;
        this.value = value;
        this.streamedIndex = streamedIndex;
        this.streamCodec = streamCodec;
    }

    /**
     * The parameters given to a call: an {@code Object[]} or list (by position, where one element may
     * be a publisher), a publisher alone (the only parameter), or any other value, sent as it is.
     *
     * @param itemType the type of the streamed parameter's items, for encoding them
     * @param streamRequired whether the call must stream a parameter
     * @throws IllegalArgumentException for more than one publisher, or none when one is required
     */
    static CallParams of(Object params, ObjectMapper mapper, Type itemType, boolean streamRequired) {
        List<Object> positional = null;
        if (params instanceof Object[] array) {
            positional = new ArrayList<>(Arrays.asList(array));
        } else if (params instanceof List<?> list) {
            positional = new ArrayList<>(list);
        } else if (params instanceof Flow.Publisher<?>) {
            positional = new ArrayList<>();
            positional.add(params);
        }
        int streamed = positional == null ? -1 : publisherIndex(positional);
        if (streamed < 0 && streamRequired) {
            throw new IllegalArgumentException("the parameters hold no Flow.Publisher to stream");
        }
        return new CallParams(positional, positional == null ? params : null, streamed,
                streamed < 0 ? null : new ItemCodec(mapper, itemType));
    }

    private static int publisherIndex(List<Object> params) {
        int found = -1;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) instanceof Flow.Publisher<?>) {
                if (found >= 0) {
                    throw new IllegalArgumentException("a call may stream one parameter, not several: parameters "
                            + found + " and " + i + " are both publishers");
                }
                found = i;
            }
        }
        return found;
    }

    /** The streamed parameter's publisher, or null when the call streams no parameter. */
    Flow.Publisher<?> stream() {
        return streamedIndex < 0 ? null : (Flow.Publisher<?>) positional.get(streamedIndex);
    }

    /** How the streamed parameter's items are encoded; null when the call streams no parameter. */
    ItemCodec streamCodec() {
        return streamCodec;
    }

    /**
     * The parameters' JSON: the streamed parameter as {@code batch} (a JSON array), or as
     * {@code null} when {@code batch} is null; no parameters at all give no bytes.
     */
    byte[] encode(ObjectMapper mapper, byte[] batch) throws Exception {
        if (positional == null) {
            return value == null ? new byte[0] : mapper.writeValueAsBytes(value);
        }
        List<Object> args = new ArrayList<>(positional);
        if (streamedIndex >= 0) {
            args.set(streamedIndex, batch == null ? null : new RawValue(new String(batch, StandardCharsets.UTF_8)));
        }
        return mapper.writeValueAsBytes(args);
    }
}
