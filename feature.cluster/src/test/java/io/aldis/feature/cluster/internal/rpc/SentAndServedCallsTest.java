package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.spi.CallAnswer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bookkeeping of calls between nodes, on the side that sent them and on the side that serves them. */
class SentAndServedCallsTest {
    private static final CallAnswer NOWHERE = new CallAnswer() {
        @Override
        public void result(byte[] json) {
        }

        @Override
        public void error(int code, String message, String details) {
        }
    };

    @Test
    void aLinkMadeAgainNumbersItsCallsApartFromTheLinkBefore() {
        SentCalls before = new SentCalls();
        SentCalls after = new SentCalls();
        long first = before.add(sent("b"));
        assertThat(after.add(sent("b"))).isNotEqualTo(first);
    }

    @Test
    void anAnswerFromAnotherNodeThanTheOneTheCallWentToIsIgnored() {
        SentCalls calls = new SentCalls();
        long id = calls.add(sent("b"));
        assertThat(calls.take(id, "c")).isNull();
        assertThat(calls.waiting(id)).isTrue();
        assertThat(calls.outstanding("b", "gate")).isEqualTo(1);
        assertThat(calls.take(id, "b")).isNotNull();
        assertThat(calls.outstanding("b", "gate")).isZero();
    }

    @Test
    void theCallsStillWaitingAreListedWithTheirNodes() {
        SentCalls calls = new SentCalls();
        long toB = calls.add(sent("b"));
        long toC = calls.add(sent("c"));
        calls.take(calls.add(sent("d")));
        Map<Long, String> waiting = new HashMap<>();
        calls.forEachWaiting(waiting::put);
        assertThat(waiting).isEqualTo(Map.of(toB, "b", toC, "c"));
    }

    @Test
    void aSecondCallWithTheIdOfOneThatRunsDoesNotTakeItsPlace() {
        ServedCalls served = new ServedCalls();
        ServedCalls.Served first = served.add("b", 1);
        assertThat(first).isNotNull();
        assertThat(served.add("b", 1)).isNull();
        assertThat(served.add("c", 1)).isNotNull();
        int[] cancelled = {0};
        first.started(() -> cancelled[0]++);
        served.cancel("b", 1);
        assertThat(cancelled[0]).isEqualTo(1);
    }

    private static SentCalls.Sent sent(String peer) {
        return new SentCalls.Sent(peer, "node-" + peer, "gate", "gate.pass", NOWHERE);
    }
}
