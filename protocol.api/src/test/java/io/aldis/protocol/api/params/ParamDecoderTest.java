package io.aldis.protocol.api.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamDecoderTest {
    enum Unit { PIECE, BOX }

    record Line(String sku, int count, Unit unit) {
    }

    record Basket(String owner, List<Line> lines) {
    }

    interface Shop {
        int add(int a, Integer b);

        String count(Basket basket);

        String tag(List<String> tags);
    }

    private static ParamSignature shop(String method) {
        for (var m : Shop.class.getMethods()) {
            if (m.getName().equals(method)) {
                return ParamSignature.of(m);
            }
        }
        throw new AssertionError(method);
    }

    private static Object[] decode(ParamSignature s, String json, boolean rejectUnknown) throws InvalidParamsException {
        return ParamDecoder.decode(s, json.getBytes(StandardCharsets.UTF_8), rejectUnknown, ValueCheck.NONE);
    }

    private static List<FieldError> errors(ParamSignature s, String json, ValueCheck check) {
        InvalidParamsException e = catchThrowableOfType(InvalidParamsException.class,
                () -> ParamDecoder.decode(s, json.getBytes(StandardCharsets.UTF_8), true, check));
        assertThat(e).as("expected invalid params for %s", json).isNotNull();
        return e.errors();
    }

    private static List<FieldError> errors(ParamSignature s, String json) {
        return errors(s, json, ValueCheck.NONE);
    }

    @Test
    void parametersByPositionByNameAsTheWholeObjectOrAsALoneValue() throws Exception {
        assertThat(decode(shop("add"), "[2, 3]", true)).containsExactly(2, 3);
        assertThat(decode(shop("add"), "{\"b\": 3, \"a\": 2}", true)).containsExactly(2, 3);
        assertThat(decode(shop("add"), "[2]", true)).containsExactly(2, null);
        Basket basket = new Basket("ann", List.of(new Line("A-1", 2, Unit.BOX)));
        String json = "{\"owner\":\"ann\",\"lines\":[{\"sku\":\"A-1\",\"count\":2,\"unit\":\"BOX\"}]}";
        assertThat(decode(shop("count"), "{\"basket\":" + json + "}", true)).containsExactly(basket);
        assertThat(decode(shop("count"), json, true)).containsExactly(basket);
        assertThat(decode(shop("count"), "[" + json + "]", true)).containsExactly(basket);
        assertThat(decode(shop("tag"), "[[\"x\", \"y\"]]", true)).containsExactly(List.of("x", "y"));
        assertThat(decode(shop("tag"), "", true)).containsExactly((Object) null);
        ParamSignature one = ParamSignature.of(List.of("text"), List.of(String.class));
        assertThat(decode(one, "\"hi\"", true)).containsExactly("hi");
    }

    @Test
    void positionalParametersDecodedFromTheBytesEqualThoseDecodedThroughTheTree() throws Exception {
        String json = "{\"owner\":\"bo\",\"lines\":[{\"sku\":\"B\",\"count\":1,\"unit\":\"PIECE\"}]}";
        byte[] positional = ("[" + json + "]").getBytes(StandardCharsets.UTF_8);
        assertThat(ParamDecoder.streamArray(shop("count"), positional, true)).as("decoded without the tree")
                .containsExactly(decode(shop("count"), "{\"basket\":" + json + "}", true));
        assertThat(ParamDecoder.streamArray(shop("add"), "[1, 2] 3".getBytes(StandardCharsets.UTF_8), true))
                .as("trailing content leaves it to the tree, which reports it").isNull();
    }

    @Test
    void errorsNameTheirPathInTheProtocolsWords() {
        assertThat(errors(shop("count"), "{\"owner\":\"x\",\"lines\":[{\"sku\":\"A\",\"count\":\"many\"}]}"))
                .containsExactly(new FieldError("basket.lines[0].count", "expected an integer, got a string"));
        assertThat(errors(shop("count"), "[{\"lines\":[{\"unit\":\"CRATE\"}]}]"))
                .containsExactly(new FieldError("basket.lines[0].unit", "must be one of [PIECE, BOX]"));
        assertThat(errors(shop("add"), "[\"two\", 3]"))
                .containsExactly(new FieldError("a", "expected an integer, got a string"));
        assertThat(errors(shop("add"), "[1.5, 3]"))
                .containsExactly(new FieldError("a", "expected an integer, got a number"));
        assertThat(errors(shop("add"), "[null, 3]")).containsExactly(new FieldError("a", "field required"));
        assertThat(errors(shop("add"), "{\"b\": 3}")).containsExactly(new FieldError("a", "field required"));
        assertThat(errors(shop("add"), "[1, 2, 3]")).containsExactly(new FieldError("", "expected at most 2 parameters, got 3"));
        assertThat(errors(shop("add"), "true")).containsExactly(new FieldError("", "parameters must be a JSON array or object"));
        assertThat(errors(shop("add"), "[1, ")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEmpty();
            assertThat(e.reason()).startsWith("the parameters are not well-formed JSON (line 1, column");
        });
        for (String json : List.of("[\"two\", 3]", "[null, 3]", "{\"lines\":[{\"count\":true}]}")) {
            ParamSignature s = json.startsWith("{") ? shop("count") : shop("add");
            for (FieldError e : errors(s, json)) {
                assertThat(e.reason()).as("no library words in %s", e)
                        .doesNotContainIgnoringCase("jackson").doesNotContain("coerc").doesNotContain("FAIL_ON")
                        .doesNotContain("java.");
            }
        }
    }

    @Test
    void numbersAndBooleansAreNotTakenForStrings() {
        ParamSignature text = ParamSignature.of(List.of("text"), List.of(String.class));
        assertThat(errors(text, "[1]")).containsExactly(new FieldError("text", "expected a string, got an integer"));
        assertThat(errors(text, "{\"text\": 1.5}")).containsExactly(new FieldError("text", "expected a string, got a number"));
        assertThat(errors(text, "[true]")).containsExactly(new FieldError("text", "expected a string, got a boolean"));
        assertThat(errors(shop("tag"), "[[\"a\", 2]]")).containsExactly(new FieldError("tags[1]", "expected a string, got an integer"));
    }

    @Test
    void unknownFieldsAndParametersFollowThePolicy() throws Exception {
        assertThat(errors(shop("add"), "{\"a\":1,\"b\":2,\"c\":3}")).containsExactly(new FieldError("c", "unknown parameter"));
        assertThat(decode(shop("add"), "{\"a\":1,\"b\":2,\"c\":3}", false)).containsExactly(1, 2);
        String extra = "[{\"owner\":\"x\",\"lines\":[{\"sku\":\"A\",\"count\":1,\"colour\":\"red\"}]}]";
        assertThat(errors(shop("count"), extra)).containsExactly(new FieldError("basket.lines[0].colour", "unknown field"));
        assertThat(decode(shop("count"), extra, false)).hasSize(1);
    }

    @Test
    void checksSeeEveryDecodedValueAndTheirErrorsComeWithTheDecodingErrors() {
        ValueCheck positive = (index, value, errors) -> {
            if (value instanceof Integer n && n < 0) {
                errors.add(new FieldError(shop("add").name(index), "must be at least 0"));
            }
        };
        assertThat(errors(shop("add"), "[-1, -2]", positive)).containsExactly(
                new FieldError("a", "must be at least 0"), new FieldError("b", "must be at least 0"));
        assertThat(errors(shop("add"), "{\"a\": \"x\", \"b\": -2}", positive)).containsExactly(
                new FieldError("a", "expected an integer, got a string"), new FieldError("b", "must be at least 0"));
    }

    @Test
    void theExceptionSaysWhatIsWrongAndCarriesTheDetailsOfTheProtocol() {
        InvalidParamsException one = new InvalidParamsException(List.of(new FieldError("a", "field required")));
        assertThat(one.getMessage()).isEqualTo("parameter 'a': field required");
        assertThat(one.details()).isEqualTo("{\"errors\":[{\"path\":\"a\",\"reason\":\"field required\"}]}");
        InvalidParamsException two = new InvalidParamsException(List.of(new FieldError("", "not well-formed"),
                new FieldError("b", "unknown parameter")));
        assertThat(two.getMessage()).isEqualTo("2 invalid parameters, first not well-formed");
    }

    @Test
    void aPathMadeOfTheCallersKeysIsQuotedOnOneLineInTheMessage() {
        // the message becomes RPC_ERROR's text; the details keep the path exactly, JSON-encoded
        InvalidParamsException e = new InvalidParamsException(List.of(new FieldError("a\nb", "unknown parameter")));
        assertThat(e.getMessage()).isEqualTo("parameter 'a\\u000ab': unknown parameter");
        assertThat(e.details()).contains("a\\nb");
    }

    @Test
    void typeNamesAreShortWithTheirGenericArguments() throws Exception {
        Type mapOfLists = Shop.class.getMethod("tag", List.class).getGenericParameterTypes()[0];
        assertThat(TypeNames.shortName(mapOfLists)).isEqualTo("List<String>");
        assertThat(TypeNames.shortName(double[].class)).isEqualTo("double[]");
        assertThat(TypeNames.shortName(Map.Entry.class)).isEqualTo("Entry");
    }
}
