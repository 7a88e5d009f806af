package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.rpc.Shop;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.ServiceProvide;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Input built to cost the node more to read than it costs to send: JSON nested deeper than any
 * parameter needs, JSON with hundreds of thousands of values, numbers of hundreds of digits,
 * service descriptors of the same kind, and subjects far too long or too deep. Each is answered
 * with its error in the protocol's words; the bystander is served meanwhile.
 */
@ExtendWith(LeakWatch.class)
class JsonAndSubjectBombTest {
    private NodeFixture node;
    private Bystander bystander;
    private FrameClient mallory;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user").pubsub().rpc().start();
        node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
        bystander = Bystander.join(node, "bob");
        mallory = node.login("mallory");
    }

    @AfterEach
    void stop() throws Exception {
        mallory.close();
        bystander.close();
        node.close();
    }

    @Test
    void parametersNestedPastTheLimitAreInvalidParams() throws Exception {
        int depth = 5_000;
        bystander.during(10, () -> mallory.call(1, "calculator.sum", "[" + "[".repeat(depth) + "]".repeat(depth) + "]", 0));
        assertLimitsError(mallory.callError(1));
        // Within the limit, the same kind of mistake gets the ordinary answer.
        mallory.call(2, "calculator.sum", "[[[1]]]", 0);
        RpcError shallow = mallory.callError(2);
        assertThat(shallow.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(shallow.details()).doesNotContain("limits");
        bystander.rounds(5);
    }

    @Test
    void parametersWithTooManyValuesAreInvalidParams() throws Exception {
        StringJoiner values = new StringJoiner(",", "[[", "]]");
        for (int i = 0; i < 150_000; i++) {
            values.add("1");
        }
        bystander.during(10, () -> mallory.call(1, "calculator.sum", values.toString(), 0));
        assertLimitsError(mallory.callError(1));
        mallory.call(2, "calculator.sum", "[[1, 2, 3]]", 0);
        assertThat(mallory.callResult(2)).isEqualTo("6");
        bystander.rounds(5);
    }

    @Test
    void aNumberOfHundredsOfDigitsIsInvalidParams() throws Exception {
        mallory.call(1, "calculator.sum", "[[1" + "0".repeat(900) + "]]", 0);
        assertLimitsError(mallory.callError(1));
        bystander.rounds(5);
    }

    @Test
    void aServiceDescriptorNestedPastTheLimitIsRefused() throws Exception {
        String deep = "{\"methods\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        mallory.send(new ServiceProvide(1, "mallory.svc", deep));
        ErrorFrame refused = (ErrorFrame) mallory.answerTo(1);
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(refused.message()).contains("limits for JSON").contains("64 levels");
        bystander.rounds(5);
    }

    @Test
    void subjectsTooLongOrTooDeepAreInvalidSubject() throws Exception {
        String longSubject = "a".repeat(60_000);
        String deepSubject = "a" + ".a".repeat(20_000);
        bystander.during(10, () -> {
            for (int i = 0; i < 200; i++) {
                mallory.write(new io.aldis.protocol.api.Subscribe(2L * i + 1, longSubject, "", ""));
                mallory.write(new io.aldis.protocol.api.Subscribe(2L * i + 2, deepSubject, "", ""));
            }
            mallory.flush();
        });
        for (int i = 1; i <= 400; i++) {
            ErrorFrame refused = (ErrorFrame) mallory.answerTo(i);
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        }
        mallory.publish(longSubject, "x");
        assertThat(mallory.error().errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        bystander.rounds(5);
    }

    private static void assertLimitsError(RpcError error) {
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(error.details()).contains("this node's limits for JSON").contains("64 levels of nesting");
    }
}
