package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aldis.client.CallContext;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A plain object served as a provided service: its calls decoded as the node decodes its own services' calls. */
class ReflectiveServiceTest {
    enum Unit { PIECE, BOX }

    record Line(String sku, int count, Unit unit) {
    }

    record Basket(String owner, List<Line> lines) {
    }

    public interface Shop {
        String greet(String name, int times);

        int count(Basket basket);

        String whoCalls(CallContext context, String name);
    }

    static final class ShopImpl implements Shop {
        @Override
        public String greet(String name, int times) {
            return (name + " ").repeat(times).trim();
        }

        @Override
        public int count(Basket basket) {
            return basket.lines().stream().mapToInt(Line::count).sum();
        }

        @Override
        public String whoCalls(CallContext context, String name) {
            return context.method() + " for " + name;
        }
    }

    private static final CallContext CONTEXT = new CallContext() {
        @Override
        public String method() {
            return "shop.whoCalls";
        }

        @Override
        public long callId() {
            return 7;
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    private final ReflectiveService service = new ReflectiveService(new ShopImpl(), Shop.class);

    private String call(String method, String json) throws Exception {
        byte[] result = service.handle(method, json.getBytes(StandardCharsets.UTF_8), CONTEXT).toCompletableFuture()
                .get();
        return new String(result, StandardCharsets.UTF_8);
    }

    private RpcCallException failure(String method, String json) {
        RpcCallException e = catchThrowableOfType(RpcCallException.class, () -> call(method, json));
        assertThat(e).as("%s %s fails", method, json).isNotNull();
        return e;
    }

    @Test
    void parametersByPositionByNameOrAsTheWholeObject() throws Exception {
        assertThat(call("greet", "[\"ann\", 2]")).isEqualTo("\"ann ann\"");
        assertThat(call("greet", "{\"times\": 1, \"name\": \"bo\"}")).isEqualTo("\"bo\"");
        String basket = "{\"owner\":\"cy\",\"lines\":[{\"sku\":\"A\",\"count\":2},{\"sku\":\"B\",\"count\":5}]}";
        assertThat(call("count", basket)).isEqualTo("7");
        assertThat(call("count", "{\"basket\":" + basket + "}")).isEqualTo("7");
    }

    @Test
    void theCallContextIsGivenNotDecodedAndTheDescriptorLeavesItOut() throws Exception {
        assertThat(call("whoCalls", "[\"di\"]")).isEqualTo("\"shop.whoCalls for di\"");
        assertThat(call("whoCalls", "{\"name\": \"di\"}")).isEqualTo("\"shop.whoCalls for di\"");
        assertThat(service.descriptor()).contains("{\"name\":\"whoCalls\",\"params\":[\"name: String\"],\"result\":\"String\"}")
                .contains("\"params\":[\"basket: Basket\"],\"result\":\"int\"");
    }

    @Test
    void badParametersGetTheNodesFieldErrorsInTheProtocolsWords() {
        RpcCallException wrongType = failure("count", "{\"owner\":\"x\",\"lines\":[{\"sku\":\"A\",\"count\":\"many\"}]}");
        assertThat(wrongType.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(wrongType.getMessage()).endsWith("parameter 'basket.lines[0].count': expected an integer, got a string");
        assertThat(wrongType.fieldErrors()).containsExactly(
                new RpcCallException.FieldError("basket.lines[0].count", "expected an integer, got a string"));

        assertThat(failure("greet", "[\"x\"]").fieldErrors())
                .containsExactly(new RpcCallException.FieldError("times", "field required"));
        assertThat(failure("greet", "{\"name\":\"x\",\"times\":1,\"loud\":true}").fieldErrors())
                .containsExactly(new RpcCallException.FieldError("loud", "unknown parameter"));
        assertThat(failure("count", "[{\"lines\":[{\"unit\":\"CRATE\"}]}]").fieldErrors())
                .containsExactly(new RpcCallException.FieldError("basket.lines[0].unit", "must be one of [PIECE, BOX]"));
        assertThat(failure("greet", "[\"x\", 1").getMessage()).contains("the parameters are not well-formed JSON");
        assertThat(failure("shout", "[]").code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND);
    }
}
