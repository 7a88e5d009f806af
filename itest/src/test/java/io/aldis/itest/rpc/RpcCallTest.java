package io.aldis.itest.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.spi.node.FrameHandler;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OSGi-style services called over a socket: typed parameters, results, errors and validation. */
@ExtendWith(LeakWatch.class)
class RpcCallTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "{\"customer\":\"ada\",\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2},"
            + "{\"sku\":\"XYZ-22\",\"quantity\":3}],\"priority\":\"HIGH\",\"shipTo\":{\"city\":\"Oslo\"}}";

    private NodeFixture node;
    private FrameClient alice;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .loginCapabilities(Capability.RPC.mask()).start();
        node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
        node.export("shop.orders", new Shop.OrdersImpl(), Shop.Orders.class);
        alice = node.login(ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        alice.close();
        node.close();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void theCapabilityIsAnnouncedWhileTheFeatureIsRegistered() throws Exception {
        assertThat(Capability.fromMask(alice.connectAck().capabilities())).contains(Capability.RPC);
        node.node().removeHandler(node.rpc().frames());
        try (FrameClient later = node.login(ALICE)) {
            assertThat(Capability.fromMask(later.connectAck().capabilities())).doesNotContain(Capability.RPC);
            later.call(1, "calculator.add", "[1,2]", 0);
            ErrorFrame error = later.next(ErrorFrame.class);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE);
        }
        node.node().addHandler(node.rpc().frames(), Map.of(FrameHandler.CAPABILITY, "rpc"));
        try (FrameClient again = node.login(ALICE)) {
            assertThat(Capability.fromMask(again.connectAck().capabilities())).contains(Capability.RPC);
            again.call(1, "calculator.add", "[1,2]", 0);
            assertThat(again.callResult(1)).isEqualTo("3");
        }
    }

    @Test
    void parametersByPositionOrByNameAndCollections() throws Exception {
        alice.call(1, "calculator.add", "[2, 40]", 0);
        alice.call(2, "calculator.add", "{\"b\": 40, \"a\": 2}", 0);
        alice.call(3, "calculator.sum", "[[1, 2, 3, 10000000000]]", 0);
        alice.call(4, "calculator.divide", "{\"dividend\": 1, \"divisor\": 4}", 0);
        assertThat(alice.callResult(1)).isEqualTo("42");
        assertThat(alice.callResult(2)).isEqualTo("42");
        assertThat(alice.callResult(3)).isEqualTo("10000000006");
        assertThat(alice.callResult(4)).isEqualTo("0.25");
    }

    @Test
    void recordsEnumsAndNestedObjectsInAndOut() throws Exception {
        alice.call(7, "shop.orders.place", "[" + ORDER + "]", 0);
        alice.call(8, "shop.orders.place", "{\"order\":" + ORDER + "}", 0);
        alice.call(9, "shop.orders.place", ORDER, 0);
        JsonNode expected = json("{\"customer\":\"ada\",\"totalQuantity\":5,\"priority\":\"HIGH\","
                + "\"skus\":[\"ABC-1\",\"XYZ-22\"],\"city\":\"Oslo\"}");
        assertThat(json(alice.callResult(7))).isEqualTo(expected);
        assertThat(json(alice.callResult(8))).isEqualTo(expected);
        assertThat(json(alice.callResult(9))).isEqualTo(expected);
    }

    @Test
    void completionStageResultsAreSentWhenTheyComplete() throws Exception {
        alice.call(5, "shop.orders.placeLater", "[" + ORDER + "]", 0);
        assertThat(json(alice.callResult(5)).get("totalQuantity").asInt()).isEqualTo(5);
    }

    @Test
    void exceptionsBecomeErrorCodesWithoutStackTraces() throws Exception {
        alice.call(1, "calculator.divide", "[1, 0]", 0);
        RpcError error = alice.callError(1);
        assertThat(error.code()).isEqualTo(ErrorCode.SERVICE_ERROR.code());
        assertThat(error.message()).isEqualTo("division by zero");
        assertThat(json(error.details()).get("exception").asText()).isEqualTo("IllegalArgumentException");
        assertThat(error.message() + error.details()).doesNotContain("\tat ", ".java:", "io.aldis");

        alice.call(2, "shop.orders.refuse", "[\"closed\"]", 0);
        RpcError chosen = alice.callError(2);
        assertThat(chosen.code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        assertThat(chosen.message()).isEqualTo("refused: closed");
        assertThat(json(chosen.details()).get("why").asText()).isEqualTo("closed");

        alice.call(3, "shop.orders.refuse", "[\"still serving\"]", 0);
        assertThat(alice.callError(3).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
    }

    @Test
    void unknownServicesAndMethodsAreNotFound() throws Exception {
        alice.call(1, "nothing.here", "[]", 0);
        alice.call(2, "calculator.multiply", "[1,2]", 0);
        alice.call(3, "calculator", "[1,2]", 0);
        alice.call(4, "calculator.toString", "[]", 0);
        for (long id = 1; id <= 4; id++) {
            assertThat(alice.callError(id).code()).as("call %d", id).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
        }
    }

    @Test
    void invalidParametersAreReportedFieldByFieldWithPaths() throws Exception {
        String bad = "{\"customer\":\"\",\"items\":[{\"sku\":\"ABC-1\",\"quantity\":2},{\"sku\":\"ABC-2\",\"quantity\":1},"
                + "{\"sku\":\"abc\",\"quantity\":0}],\"shipTo\":{\"street\":\"Main\"}}";
        alice.call(1, "shop.orders.place", "[" + bad + "]", 0);
        RpcError error = alice.callError(1);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(json(error.details())).isEqualTo(json("{\"errors\":["
                + "{\"path\":\"order.customer\",\"reason\":\"must have at least 1 characters\"},"
                + "{\"path\":\"order.items[2].sku\",\"reason\":\"must match [A-Z]{3}-\\\\d{1,6}\"},"
                + "{\"path\":\"order.items[2].quantity\",\"reason\":\"must be at least 1\"},"
                + "{\"path\":\"order.shipTo.city\",\"reason\":\"field required\"}]}"));

        alice.call(2, "shop.orders.place", "[{\"customer\":\"ada\",\"items\":[{\"sku\":\"ABC-1\",\"quantity\":\"many\"}],"
                + "\"priority\":\"URGENT\"}]", 0);
        RpcError typeError = alice.callError(2);
        assertThat(typeError.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(json(typeError.details()).get("errors").get(0).get("path").asText())
                .isIn("order.items[0].quantity", "order.priority");

        alice.call(3, "calculator.add", "[1]", 0);
        assertThat(json(alice.callError(3).details())).isEqualTo(
                json("{\"errors\":[{\"path\":\"b\",\"reason\":\"field required\"}]}"));

        alice.call(4, "calculator.add", "not json", 0);
        assertThat(alice.callError(4).code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
    }

    @Test
    void theUnknownFieldPolicyIsConfigurable() throws Exception {
        String extra = "[{\"customer\":\"ada\",\"items\":[{\"sku\":\"ABC-1\",\"quantity\":1,\"gift\":true}],\"note\":\"x\"}]";
        alice.call(1, "shop.orders.place", extra, 0);
        assertThat(json(alice.callError(1).details()).get("errors").get(0).get("path").asText())
                .isIn("order.items[0].gift", "order.note");

        node.rpc().update(RpcSettings.defaults().withRejectUnknownFields(false));
        alice.call(2, "shop.orders.place", extra, 0);
        assertThat(json(alice.callResult(2)).get("customer").asText()).isEqualTo("ada");
    }
}
