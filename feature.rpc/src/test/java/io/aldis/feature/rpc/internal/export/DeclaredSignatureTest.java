package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls of client-provided services checked against the types their descriptor declares. */
class DeclaredSignatureTest {
    private void check(String params, String... declared) throws InvalidParamsException {
        ExportedMethod m = ExportedMethod.declared(new MethodInfo("m", List.of(declared), "?"));
        m.decode(params.getBytes(StandardCharsets.UTF_8), true);
    }

    private List<FieldError> errors(String params, String... declared) {
        try {
            check(params, declared);
        } catch (InvalidParamsException e) {
            return e.errors();
        }
        throw new AssertionError("accepted " + params);
    }

    @Test
    void wellTypedParametersPassByPositionOrByName() throws Exception {
        check("[1, 2]", "a: int", "b: int");
        check("{\"a\": 1, \"b\": 2}", "a: int", "b: int");
        check("[\"x\", [1.5, 2], {\"k\": true}]", "s: String", "xs: List<Double>", "m: Map<String, Boolean>");
        check("[\"x\", 3, 2.5, {\"any\": []}, [1]]", "s: string", "i: integer", "n: number", "o: object", "l: array");
    }

    @Test
    void malformedJsonIsRefused() {
        assertThat(errors("{\"a\":", "a: int", "b: int")).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("the parameters are not well-formed JSON"));
    }

    @Test
    void wrongTypesMissingPrimitivesAndUnknownParametersAreRefusedWithTheirNames() {
        assertThat(errors("[\"two\", 3]", "a: int", "b: int")).extracting(FieldError::path).containsExactly("a");
        assertThat(errors("{\"a\": 1}", "a: int", "b: int")).extracting(FieldError::path).containsExactly("b");
        assertThat(errors("{\"a\": 1, \"b\": 2, \"c\": 3}", "a: int", "b: int")).extracting(FieldError::path)
                .containsExactly("c");
        assertThat(errors("[[1, \"x\"]]", "xs: List<Integer>")).extracting(FieldError::path).containsExactly("xs[1]");
        assertThat(errors("[1, 2, 3]", "a: int", "b: int")).hasSize(1);
    }

    @Test
    void typesTheNodeCannotKnowOnlyNeedWellFormedJson() throws Exception {
        check("[{\"sku\": \"A1\", \"qty\": 2}, \"RED\"]", "item: OrderItem", "colour: Colour");
        check("[[{\"anything\": null}]]", "items: List<OrderItem>");
        assertThatThrownBy(() -> check("[{\"sku\": ", "item: OrderItem")).isInstanceOf(InvalidParamsException.class);
    }

    @Test
    void parametersWithoutANameAreCalledByTheirPosition() {
        assertThat(errors("[\"no\"]", "int")).extracting(FieldError::path).containsExactly("arg0");
    }
}
