package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ErrorCode;
import java.util.Set;

/**
 * What every fuzz target of a decoder checks about a refusal: that it is one of the codes the
 * decoder promises, and that its message is the project's own sentence, never a library's
 * exception text leaking through.
 */
final class WireContract {
    private WireContract() {
    }

    /** Asserts that {@code message} reads as the project's words. */
    static void ownWords(String message) {
        assertThat(message).as("a refusal explains itself").isNotBlank();
        assertThat(message).as("a refusal is one line").doesNotContain("\n");
        assertThat(message).as("a refusal names no library internals")
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("io.netty").doesNotContain("null");
    }

    /** Asserts that {@code code} is one of {@code allowed} and {@code message} is in the project's words. */
    static void refusal(ErrorCode code, String message, Set<ErrorCode> allowed) {
        assertThat(code).as("error code of: %s", message).isIn(allowed);
        ownWords(message);
    }
}
