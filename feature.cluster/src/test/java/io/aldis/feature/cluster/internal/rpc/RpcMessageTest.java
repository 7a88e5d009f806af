package io.aldis.feature.cluster.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RpcMessageTest {
    @Test
    void eachKindCrossesWhole() {
        RpcMessage call = RpcMessage.decode(RpcMessage.call(7, 1500, "gate.hold", utf8("[\"ä\"]")).encode());
        assertThat(call.kind()).isEqualTo(RpcMessage.Kind.CALL);
        assertThat(call.callId()).isEqualTo(7);
        assertThat(call.timeoutMillis()).isEqualTo(1500);
        assertThat(call.method()).isEqualTo("gate.hold");
        assertThat(new String(call.body(), StandardCharsets.UTF_8)).isEqualTo("[\"ä\"]");

        RpcMessage cancel = RpcMessage.decode(RpcMessage.cancel(Long.MAX_VALUE).encode());
        assertThat(cancel.kind()).isEqualTo(RpcMessage.Kind.CANCEL);
        assertThat(cancel.callId()).isEqualTo(Long.MAX_VALUE);

        RpcMessage result = RpcMessage.decode(RpcMessage.result(8, utf8("{\"a\":1}")).encode());
        assertThat(result.kind()).isEqualTo(RpcMessage.Kind.RESULT);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");

        RpcMessage error = RpcMessage.decode(RpcMessage.error(9, -402, "late", "{\"x\":2}").encode());
        assertThat(error.kind()).isEqualTo(RpcMessage.Kind.ERROR);
        assertThat(error.code()).isEqualTo(-402);
        assertThat(error.message()).isEqualTo("late");
        assertThat(error.details()).isEqualTo("{\"x\":2}");
    }

    @Test
    void theMessagesOfAStreamCrossWholeAndSayWhichWayTheyGo() {
        StreamSpec spec = new StreamSpec("streams.store", StreamDirection.CALLER_TO_CALLEE, CreditMode.BYTES, null, 65536);
        RpcMessage opened = RpcMessage.decode(RpcMessage.opened(3, spec).encode());
        assertThat(opened.kind()).isEqualTo(RpcMessage.Kind.OPENED);
        assertThat(opened.spec()).isEqualTo(spec);
        StreamSpec custom = new StreamSpec("s.m", StreamDirection.BIDIRECTIONAL, CreditMode.CUSTOM, "weight", 4);
        assertThat(RpcMessage.decode(RpcMessage.opened(3, custom).encode()).spec()).isEqualTo(custom);

        RpcMessage streamed = RpcMessage.decode(RpcMessage.streamedCall(4, 100, "s.m", utf8("[null]")).encode());
        assertThat(streamed.kind()).isEqualTo(RpcMessage.Kind.STREAMED_CALL);
        assertThat(streamed.method()).isEqualTo("s.m");
        assertThat(RpcMessage.decode(RpcMessage.item(5, true, new byte[] {1, 2}).encode()).kind())
                .isEqualTo(RpcMessage.Kind.CALLEE_ITEM);
        RpcMessage item = RpcMessage.decode(RpcMessage.item(5, false, new byte[] {1, 2}).encode());
        assertThat(item.kind()).isEqualTo(RpcMessage.Kind.CALLER_ITEM);
        assertThat(item.body()).containsExactly(1, 2);
        assertThat(RpcMessage.decode(RpcMessage.end(5, true).encode()).kind()).isEqualTo(RpcMessage.Kind.CALLEE_END);
        assertThat(RpcMessage.decode(RpcMessage.end(5, false).encode()).kind()).isEqualTo(RpcMessage.Kind.CALLER_END);
        RpcMessage failed = RpcMessage.decode(RpcMessage.calleeFailed(5, -420, "boom").encode());
        assertThat(failed.kind()).isEqualTo(RpcMessage.Kind.CALLEE_FAILED);
        assertThat(failed.code()).isEqualTo(-420);
        assertThat(failed.message()).isEqualTo("boom");
        RpcMessage credit = RpcMessage.decode(RpcMessage.credit(5, false, 32).encode());
        assertThat(credit.kind()).isEqualTo(RpcMessage.Kind.CALLER_CREDIT);
        assertThat(credit.code()).isEqualTo(32);
        assertThat(RpcMessage.decode(RpcMessage.credit(5, true, 1).encode()).kind()).isEqualTo(RpcMessage.Kind.CALLEE_CREDIT);
        // Credit of no items is not credit.
        byte[] none = RpcMessage.credit(5, true, 1).encode();
        none[none.length - 1] = 0;
        assertThatThrownBy(() -> RpcMessage.decode(none)).hasMessageContaining("credit of 0");
    }

    @Test
    void aCallersFirstCreditCarriesItsHighWaterMarkAndTheOldLayoutStillReads() {
        // version 1, kind CALLER_CREDIT (12), call id 5, 1 item, the caller's mark 8000 (0x1f40)
        byte[] bytes = RpcMessage.callerCredit(5, 1, 8000).encode();
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("010c0000000000000005" + "00000001" + "00001f40");
        RpcMessage decoded = RpcMessage.decode(bytes);
        assertThat(decoded.kind()).isEqualTo(RpcMessage.Kind.CALLER_CREDIT);
        assertThat(decoded.code()).isEqualTo(1);
        assertThat(decoded.callerMark()).isEqualTo(8000);
        // A node of an older version sends no mark: the credit reads as before, with none.
        byte[] old = HexFormat.of().parseHex("010c0000000000000005" + "00000001");
        assertThat(RpcMessage.credit(5, false, 1).encode()).isEqualTo(old);
        assertThat(RpcMessage.decode(old).callerMark()).isZero();
        assertThat(RpcMessage.decode(old).code()).isEqualTo(1);
        byte[] zero = HexFormat.of().parseHex("010c0000000000000005" + "00000001" + "00000000");
        assertThatThrownBy(() -> RpcMessage.decode(zero)).hasMessageContaining("high-water mark of 0");
    }

    @Test
    void theServingSidesCancelOfTheCallersItemsIsTenBytes() {
        // version 1, kind CALLEE_CANCEL (13), call id 5
        byte[] bytes = RpcMessage.cancelCallerItems(5).encode();
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("010d0000000000000005");
        RpcMessage decoded = RpcMessage.decode(bytes);
        assertThat(decoded.kind()).isEqualTo(RpcMessage.Kind.CALLEE_CANCEL);
        assertThat(decoded.callId()).isEqualTo(5);
    }

    @Test
    void aCancelIsTenBytes() {
        // version 1, kind CANCEL (1), call id 5
        assertThat(HexFormat.of().formatHex(RpcMessage.cancel(5).encode())).isEqualTo("01010000000000000005");
    }

    @Test
    void theBytesOfEachKindAreTheOnesDocsClusterMdShows() {
        // CALL 7, 1500 ms left, "a.b", params "[]"
        assertThat(HexFormat.of().formatHex(RpcMessage.call(7, 1500, "a.b", "[]".getBytes(StandardCharsets.UTF_8)).encode()))
                .isEqualTo("0100" + "0000000000000007" + "000005dc" + "00000003612e62" + "000000025b5d");
        // RESULT 8, "1"
        assertThat(HexFormat.of().formatHex(RpcMessage.result(8, "1".getBytes(StandardCharsets.UTF_8)).encode()))
                .isEqualTo("0102" + "0000000000000008" + "0000000131");
        // ERROR 9, PROVIDER_GONE (-404), "gone", no details
        assertThat(HexFormat.of().formatHex(RpcMessage.error(9, -404, "gone", "").encode()))
                .isEqualTo("0103" + "0000000000000009" + "fffffe6c" + "00000004676f6e65" + "00000000");
    }

    @Test
    void truncatedOrForeignBytesAreRefused() {
        byte[] whole = RpcMessage.call(1, 0, "a.b", new byte[10]).encode();
        assertThatThrownBy(() -> RpcMessage.decode(Arrays.copyOf(whole, whole.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] foreign = whole.clone();
        foreign[0] = 9;
        assertThatThrownBy(() -> RpcMessage.decode(foreign)).hasMessageContaining("version 9");
        byte[] kind = whole.clone();
        kind[1] = 100;
        assertThatThrownBy(() -> RpcMessage.decode(kind)).hasMessageContaining("kind 100");
        byte[] huge = whole.clone();
        huge[14] = 0x7f; // the method's length
        assertThatThrownBy(() -> RpcMessage.decode(huge)).hasMessageContaining("bad length");
    }

    @Test
    void theIdOfACallIsReadEvenWhenTheRestCannotBe() {
        byte[] call = RpcMessage.call(-77, 0, "a.b", new byte[10]).encode();
        call[0] = 9; // a version this node does not know
        assertThatThrownBy(() -> RpcMessage.decode(call)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RpcMessage.callIdOfCall(call)).hasValue(-77);
        assertThat(RpcMessage.callIdOfCall(RpcMessage.cancel(5).encode())).isEmpty();
        assertThat(RpcMessage.callIdOfCall(new byte[] {1, 0, 0})).isEmpty();
    }

    @Test
    void theServiceTextRoundTripsAndSkipsWhatItCannotRead() {
        Map<String, Integer> services = Map.of("gate", 3, "echo.v2", 0);
        assertThat(ServiceTable.decode(ServiceTable.encode(services, Set.of("gate")))).isEqualTo(services);
        assertThat(ServiceTable.decode("")).isEmpty();
        assertThat(ServiceTable.decode("gate\tmany\necho\t1\nnonsense\n")).isEqualTo(Map.of("echo", 1));
    }

    @Test
    void theServiceTextSaysWhichServicesAnOsgiServiceExportsAndAReaderSkipsFieldsItDoesNotKnow() {
        String text = ServiceTable.encode(Map.of("gate", 3, "echo", 0), Set.of("gate"));
        assertThat(text).isEqualTo("echo\t0\tclient\ngate\t3\tosgi\n");
        assertThat(ServiceTable.ofKind(text, ServiceTable.OSGI)).containsExactly("gate");
        assertThat(ServiceTable.ofKind(text, ServiceTable.CLIENT)).containsExactly("echo");
        // a later node's extra field; an entry of a node that announced no kinds
        assertThat(ServiceTable.decode("gate\t3\tosgi\tfuture\n")).isEqualTo(Map.of("gate", 3));
        assertThat(ServiceTable.ofKind("gate\t3\n", ServiceTable.OSGI)).isEmpty();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
