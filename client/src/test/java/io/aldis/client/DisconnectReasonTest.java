package io.aldis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import org.junit.jupiter.api.Test;

class DisconnectReasonTest {
    @Test
    void theConstructorWithoutARawCodeKeepsItsMeaningANullCodeIsANormalClose() {
        DisconnectReason normal = new DisconnectReason(null, "bye", null);
        assertThat(normal.normal()).isTrue();
        assertThat(normal.rawCode()).isZero();
        assertThat(normal.errorCode()).isEmpty();

        DisconnectReason killed = new DisconnectReason(ErrorCode.SESSION_KILLED, "kicked", null);
        assertThat(killed.normal()).isFalse();
        assertThat(killed.rawCode()).isEqualTo(ErrorCode.SESSION_KILLED.code());
        assertThat(killed.errorCode()).contains(ErrorCode.SESSION_KILLED);
    }

    @Test
    void aRawCodeIsKeptWhetherOrNotThisReleaseKnowsIt() {
        DisconnectReason known = DisconnectReason.ofRawCode(ErrorCode.HEARTBEAT_TIMEOUT.code(), "silent", null);
        assertThat(known.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
        assertThat(known.normal()).isFalse();

        DisconnectReason unknown = DisconnectReason.ofRawCode(-9_876, "newer", null);
        assertThat(unknown.code()).isNull();
        assertThat(unknown.errorCode()).isEmpty();
        assertThat(unknown.rawCode()).isEqualTo(-9_876);
        assertThat(unknown.normal()).isFalse();

        assertThat(DisconnectReason.ofRawCode(0, null, null).normal()).isTrue();
        assertThat(DisconnectReason.normalClose(null).message()).isEmpty();
    }

    @Test
    void aCodeThatContradictsTheRawCodeIsRefused() {
        assertThatThrownBy(() -> new DisconnectReason(ErrorCode.SESSION_KILLED, "", null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DisconnectReason(ErrorCode.SESSION_KILLED, "", null, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
