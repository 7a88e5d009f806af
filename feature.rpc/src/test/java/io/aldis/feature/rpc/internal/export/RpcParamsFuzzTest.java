package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.Size;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.InvalidParamsException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the decoding of a call's JSON parameters into typed arguments, as an exported method does
 * it ({@link ExportedMethod#decode}: Jackson reads the values strictly, then the constraint
 * annotations are checked). The first byte picks a method of {@link Shapes} and whether unknown
 * fields are refused; the rest is the JSON. The contract: the arguments come back, one per
 * parameter, or {@link InvalidParamsException} lists field errors whose paths and reasons are the
 * project's words (never a Jackson message or class name), and a value that passed its
 * constraints holds them.
 */
class RpcParamsFuzzTest {
    /** A record with every kind of constraint, nested. */
    public record Order(@Required @Size(min = 1, max = 8) String id, @Min(1) @Max(99) int quantity,
            @Pattern("[a-z]+") String tag, List<String> notes, Line line) {
    }

    public record Line(@Min(0) long price, Optional<String> memo) {
    }

    public enum Colour { RED, GREEN }

    /** Parameter shapes a service commonly declares. */
    public interface Shapes {
        void scalars(int count, long total, double ratio, boolean flag, String text);

        void order(Order order);

        void collections(List<Integer> numbers, Map<String, Line> lines, Set<Colour> colours, byte[] blob);

        void constrained(@Min(-5) @Max(5) Integer small, @Size(min = 2, max = 4) List<String> words);

        void nested(List<List<Map<String, Order>>> deep);
    }

    private static final List<ExportedMethod> METHODS = Arrays.stream(Shapes.class.getDeclaredMethods())
            .sorted(Comparator.comparing(Method::getName)).map(ExportedMethod::new).toList();

    @FuzzTest
    void argumentsOrFieldErrors(byte[] input) {
        if (input.length == 0) {
            return;
        }
        ExportedMethod method = METHODS.get((input[0] & 0x7f) % METHODS.size());
        boolean rejectUnknown = input[0] < 0;
        byte[] json = Arrays.copyOfRange(input, 1, input.length);
        Object[] args;
        try {
            args = method.decode(json, rejectUnknown);
        } catch (InvalidParamsException e) {
            assertThat(e.errors()).as("a refusal names what is wrong").isNotEmpty();
            for (FieldError error : e.errors()) {
                assertThat(error.path()).isNotNull().doesNotContain("\n");
                assertThat(error.reason()).as("reason at %s", error.path()).isNotBlank().doesNotContain("\n")
                        .doesNotContain("Exception").doesNotContain("com.fasterxml").doesNotContain("jackson")
                        .doesNotContain("java.");
            }
            return;
        }
        assertThat(args).as("one argument per parameter of %s", method.name).hasSize(method.method.getParameterCount());
        for (Object arg : args) {
            if (arg instanceof Order order) {
                assertThat(order.id()).isNotNull().hasSizeBetween(1, 8);
                assertThat(order.quantity()).isBetween(1, 99);
            }
        }
    }
}
