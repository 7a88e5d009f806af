package io.aldis.feature.rpc.internal.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The feature's Jackson configuration for results and service descriptors (parameters are decoded
 * by {@link io.aldis.protocol.api.params.ParamDecoder}, with the same strictness).
 */
public final class Json {
    /**
     * Rejects what would silently change meaning: floats into integers, numbers into enums, null
     * into primitives, and strings into numbers or booleans. Unknown fields are decided per call
     * from the configuration.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            // What a client's service descriptor or stream item may cost to read:
                            // the same limits as parameters (protocol.api's StrictJson).
                            .maxNestingDepth(64)
                            .maxTokenCount(100_000)
                            .maxNumberLength(100)
                            .maxNameLength(4096)
                            .maxStringLength(1 << 20)
                            .build())
                    .build())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    /** A one-field JSON object. */
    static String object(String field, String value) {
        return MAPPER.createObjectNode().put(field, value).toString();
    }

    static byte[] write(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(value);
    }

    /**
     * A string as a JSON string, the bytes Jackson writes for it, without the serializer lookup
     * and generator a general write costs on every call.
     */
    static byte[] string(String text) throws JsonProcessingException {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return MAPPER.writeValueAsBytes(text); // Jackson writes these as escaped pairs; keep its bytes
            }
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] json = new byte[quoted.length + 2];
        json[0] = '"';
        System.arraycopy(quoted, 0, json, 1, quoted.length);
        json[json.length - 1] = '"';
        return json;
    }
}
