package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.Size;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameters of exported methods: decoded by the shared decoder, then checked against their constraints. */
class ExportedMethodParamsTest {
    enum Priority { LOW, HIGH }

    record Item(@Required @Pattern("[A-Z]{3}-\\d+") String sku, @Min(1) @Max(100) int quantity) {
    }

    record Address(@Required @Size(min = 1) String city, String zip) {
    }

    record Order(@Required @Size(min = 1, max = 5) List<Item> items, @Required Priority priority, Address shipTo,
            Map<String, Item> extras) {
    }

    interface Shop {
        String place(Order order);

        int add(int a, @Min(0) Integer b);

        List<Priority> echo(List<Priority> values);

        String label(String text, @Size(max = 5) String tag);
    }

    private static ExportedMethod method(String name) throws Exception {
        for (var m : Shop.class.getMethods()) {
            if (m.getName().equals(name)) {
                return new ExportedMethod(m);
            }
        }
        throw new AssertionError(name);
    }

    private Object[] decode(String name, String json, boolean rejectUnknown) throws Exception {
        return method(name).decode(json.getBytes(StandardCharsets.UTF_8), rejectUnknown);
    }

    private List<FieldError> errors(String name, String json, boolean rejectUnknown) throws Exception {
        InvalidParamsException e = catchThrowableOfType(InvalidParamsException.class,
                () -> decode(name, json, rejectUnknown));
        assertThat(e).as("expected invalid params for %s", json).isNotNull();
        return e.errors();
    }

    @Test
    void stringParametersAreReadAsJacksonReadsThemAndStillValidated() throws Exception {
        String json = "[\"caf\\u00e9 \\\"quoted\\\" \\n tab\\t \\ud83d\\ude00 \u00e6\", \"short\"]";
        Object[] args = decode("label", json, true);
        assertThat(args).containsExactly("caf\u00e9 \"quoted\" \n tab\t \ud83d\ude00 \u00e6", "short");
        assertThat(args[0]).isEqualTo(Json.MAPPER.readValue("\"caf\\u00e9 \\\"quoted\\\" \\n tab\\t \\ud83d\\ude00 \u00e6\"", String.class));
        assertThat(decode("label", "[null, \"x\"]", true)).containsExactly(null, "x");
        assertThat(errors("label", "[\"a\", \"too long\"]", true)).extracting(FieldError::path).containsExactly("tag");
    }

    @Test
    void aStringResultIsWrittenByteForByteAsJacksonWritesIt() throws Exception {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            every.append(c);
        }
        for (String text : List.of("", "plain", "quote \" backslash \\ slash /", "\u0000\u001f\u007f\t\r\n\b\f",
                "caf\u00e9 \u4e2d\u6587 \ud83d\ude00", every.toString())) {
            assertThat(Json.string(text)).as("JSON of %s", text).isEqualTo(Json.MAPPER.writeValueAsBytes(text));
            assertThat(Json.MAPPER.readValue(Json.string(text), String.class)).isEqualTo(text);
        }
    }

    @Test
    void positionalAndNamedParameters() throws Exception {
        assertThat(decode("add", "[2, 3]", true)).containsExactly(2, 3);
        assertThat(decode("add", "{\"b\": 3, \"a\": 2}", true)).containsExactly(2, 3);
        assertThat(decode("echo", "[[\"LOW\", \"HIGH\"]]", true)).containsExactly(List.of(Priority.LOW, Priority.HIGH));
    }

    @Test
    void aRecordFromAnObjectByNameOrAsTheWholeParams() throws Exception {
        String order = "{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2}],\"priority\":\"HIGH\","
                + "\"shipTo\":{\"city\":\"Oslo\",\"zip\":\"0150\"}}";
        Object[] named = decode("place", "{\"order\":" + order + "}", true);
        Object[] whole = decode("place", order, true);
        Order expected = new Order(List.of(new Item("ABC-1", 2)), Priority.HIGH, new Address("Oslo", "0150"), null);
        assertThat(named).containsExactly(expected);
        assertThat(whole).containsExactly(expected);
    }

    @Test
    void nestedViolationsCarryTheirPaths() throws Exception {
        String order = "{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2},{\"sku\":\"ABC-2\",\"quantity\":1},"
                + "{\"sku\":\"nope\",\"quantity\":0}],\"shipTo\":{\"city\":\"\"},"
                + "\"extras\":{\"gift\":{\"quantity\":500}}}";
        assertThat(errors("place", "[" + order + "]", true)).containsExactlyInAnyOrder(
                new FieldError("order.items[2].sku", "must match [A-Z]{3}-\\d+"),
                new FieldError("order.items[2].quantity", "must be at least 1"),
                new FieldError("order.priority", "field required"),
                new FieldError("order.shipTo.city", "must have at least 1 characters"),
                new FieldError("order.extras.gift.sku", "field required"),
                new FieldError("order.extras.gift.quantity", "must be at most 100"));
    }

    @Test
    void decodingErrorsCarryTheirPaths() throws Exception {
        assertThat(errors("place", "{\"order\":{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":\"two\"}],"
                + "\"priority\":\"HIGH\"}}", true))
                .containsExactly(new FieldError("order.items[0].quantity", "expected an integer, got a string"));
        assertThat(errors("place", "{\"order\":{\"items\":[],\"priority\":\"URGENT\"}}", true))
                .containsExactly(new FieldError("order.priority", "must be one of [LOW, HIGH]"));
        assertThat(errors("add", "[1.5, 2]", true)).extracting(FieldError::path).containsExactly("a");
        assertThat(errors("add", "[null, 2]", true)).containsExactly(new FieldError("a", "field required"));
        assertThat(errors("add", "[1, 2, 3]", true)).containsExactly(
                new FieldError("", "expected at most 2 parameters, got 3"));
        assertThat(errors("add", "[1, -2]", true)).containsExactly(new FieldError("b", "must be at least 0"));
        assertThat(errors("add", "[1, ", true)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("the parameters are not well-formed JSON"));
    }

    @Test
    void positionalParametersAreDecodedStraightFromTheBytesAsTheTreeWouldDecodeThem() throws Exception {
        String order = "{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2}],\"priority\":\"HIGH\"}";
        Order expected = new Order(List.of(new Item("ABC-1", 2)), Priority.HIGH, null, null);
        // Positional (decoded without a tree) and named (through the tree) give the same values.
        assertThat(decode("place", "[" + order + "]", true)).containsExactly(decode("place", "{\"order\":" + order + "}", true));
        assertThat(decode("place", "[" + order + "]", true)).containsExactly(expected);
        assertThat(decode("add", "[4, 5]", true)).containsExactly(4, 5);
        assertThat(decode("add", "[4, null]", true)).containsExactly(4, null);
        assertThat(decode("add", "[4]", true)).containsExactly(4, null);
        assertThat(errors("add", "[]", true)).containsExactly(new FieldError("a", "field required"));
        assertThat(errors("add", "[1, 2] 3", true)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("the parameters are not well-formed JSON"));
        assertThat(errors("place", "[{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2,\"colour\":\"red\"}],"
                + "\"priority\":\"LOW\"}]", true)).containsExactly(new FieldError("order.items[0].colour", "unknown field"));
    }

    @Test
    void unknownFieldsFollowThePolicy() throws Exception {
        String order = "{\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2,\"colour\":\"red\"}],\"priority\":\"LOW\"}";
        assertThat(errors("place", "{\"order\":" + order + "}", true))
                .containsExactly(new FieldError("order.items[0].colour", "unknown field"));
        assertThat(decode("place", "{\"order\":" + order + "}", false)).hasSize(1);
        assertThat(errors("add", "{\"a\":1,\"b\":2,\"c\":3}", true)).containsExactly(new FieldError("c", "unknown parameter"));
        assertThat(decode("add", "{\"a\":1,\"b\":2,\"c\":3}", false)).containsExactly(1, 2);
    }
}
