package io.aldis.feature.pubsub.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aldis.protocol.api.Subscribe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** The little JSON the feature reads (subscription options) and writes (events, details). */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Subscription options: {@code {"policy": "...", "budgetBytes": N}}. */
    record Options(String policy, long budgetBytes) {
    }

    /** Parses subscription options; the empty string means none. */
    static Options options(String json) {
        if (json.isBlank()) {
            return new Options(null, -1);
        }
        String policy = null;
        long budget = -1;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("options must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case Subscribe.OPTION_POLICY -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new IllegalArgumentException("'" + Subscribe.OPTION_POLICY + "' must be a string");
                        }
                        policy = p.getText();
                    }
                    case Subscribe.OPTION_BUDGET_BYTES -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() <= 0) {
                            throw new IllegalArgumentException("'" + Subscribe.OPTION_BUDGET_BYTES
                                    + "' must be a positive integer");
                        }
                        budget = p.getLongValue();
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + field + "'");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("options must be one JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("options are not well-formed JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException("options could not be read: " + e.getMessage());
        }
        return new Options(policy, budget);
    }

    /** A JSON object of strings, numbers, booleans, lists and nested maps, as UTF-8 bytes. */
    static byte[] bytes(Map<String, ?> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JSON object as a string. */
    static String string(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Map<String, ?> fields) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Map<?, ?> map) {
            write(g, (Map<String, ?>) map);
        } else if (v instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }
}
