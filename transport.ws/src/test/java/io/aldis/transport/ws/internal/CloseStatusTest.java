package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The close status and reason after an ERROR that ends a WebSocket connection (docs/protocol.md 2.2). */
class CloseStatusTest {
    @Test
    void eachErrorThatEndsAConnectionHasTheStatusTheProtocolNames() {
        assertThat(WsLifecycle.statusAfter(ErrorCode.FRAME_TOO_LARGE)).isEqualTo(1009);
        assertThat(WsLifecycle.statusAfter(ErrorCode.MALFORMED_FRAME)).isEqualTo(1002);
        assertThat(WsLifecycle.statusAfter(ErrorCode.PROTOCOL_ERROR)).isEqualTo(1002);
        assertThat(WsLifecycle.statusAfter(ErrorCode.UNEXPECTED_FRAME)).isEqualTo(1002);
        assertThat(WsLifecycle.statusAfter(ErrorCode.SLOW_CONSUMER)).isEqualTo(1008);
        assertThat(WsLifecycle.statusAfter(ErrorCode.HEARTBEAT_TIMEOUT)).isEqualTo(1000);
        assertThat(WsLifecycle.statusAfter(ErrorCode.AUTH_TIMEOUT)).isEqualTo(1000);
    }

    @Test
    void aLongReasonIsCutTo123BytesNeverInsideACharacter() {
        assertThat(WsLifecycle.reason("short")).isEqualTo("short");
        String ascii = "x".repeat(200);
        assertThat(WsLifecycle.reason(ascii)).hasSize(123);
        // 122 ASCII bytes then a 3-byte character that would straddle byte 123: it goes whole.
        String straddling = "x".repeat(122) + "€" + "tail";
        String cut = WsLifecycle.reason(straddling);
        assertThat(cut).isEqualTo("x".repeat(122));
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
    }
}
