package io.aldis.protocol.api.params;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration parameters are decoded with. */
final class StrictJson {
    /**
     * What one client's JSON may cost to read. A frame already bounds the text to 1 MiB, but not
     * what reading it builds: a megabyte of {@code [[[[} would nest past any stack, and of
     * {@code [0,0,0} would become half a million tree nodes. Numbers of more than 100 digits only
     * cost time to convert; no parameter type needs them.
     */
    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(64)
            .maxTokenCount(100_000)
            .maxNumberLength(100)
            .maxNameLength(4096)
            .maxStringLength(1 << 20)
            .build();

    /** The limits in a client's words, for the error that reports one was passed. */
    static final String LIMITS_TEXT = "at most 64 levels of nesting, 100000 values, names of 4096 characters, "
            + "strings of 1048576 characters and numbers of 100 digits";

    /**
     * Rejects what would silently change meaning: floats into integers, numbers into enums, null
     * into primitives, strings into numbers or booleans and numbers or booleans into strings,
     * content after the value. Unknown fields are decided per call.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Turning off scalar coercion does not cover text: 1 and true would still become "1" and "true".
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private StrictJson() {
    }
}
