package io.aldis.protocol.api.spi.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import org.junit.jupiter.api.Test;

/** A stream's coded failure carries an error code, and whoever reads one never takes 0 for a failure. */
class StreamFailureTest {
    @Test
    void aCodeThatIsNoErrorCodeIsRefused() {
        assertThatThrownBy(() -> new StreamFailure(0, "fine")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative error code, not 0");
        assertThatThrownBy(() -> new StreamFailure(502, "positive")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new StreamFailure(ErrorCode.PROVIDER_GONE.code(), "gone").code()).isEqualTo(-404);
    }

    @Test
    void theCodeAStreamEndsWithIsTheFailuresOwnOnlyWhenItIsAnErrorCode() {
        assertThat(StreamFailure.codeOf(new StreamFailure(ErrorCode.PROVIDER_GONE.code(), "gone"))).isEqualTo(-404);
        assertThat(StreamFailure.codeOf(new IllegalStateException("disk on fire")))
                .isEqualTo(ErrorCode.STREAM_FAILED.code());
        StreamFailure zero = new StreamFailure(ErrorCode.CANCELLED.code(), "says 0") {
            @Override
            public int code() {
                return 0;
            }
        };
        assertThat(StreamFailure.codeOf(zero)).isEqualTo(ErrorCode.STREAM_FAILED.code());
    }
}
