package io.aldis.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuotedTextTest {
    @Test
    void textThatBreaksNothingStaysAsItIs() {
        assertThat(QuotedText.of("docs/é \\ report.pdf 😀", 0)).isEqualTo("docs/é \\ report.pdf 😀");
    }

    @Test
    void lineBreaksSeparatorsAndBidirectionalOverridesAreEscaped() {
        assertThat(QuotedText.of("a\nb\rc\u0000d", 0)).isEqualTo("a\\u000ab\\u000dc\\u0000d");
        assertThat(QuotedText.of("a\u2028b\u2029c", 0)).isEqualTo("a\\u2028b\\u2029c");
        assertThat(QuotedText.of("name\u202Efdp.exe", 0)).as("a right-to-left override").isEqualTo("name\\u202efdp.exe");
        assertThat(QuotedText.of("x\uD800y", 0)).as("a lone surrogate").isEqualTo("x\\ud800y");
    }

    @Test
    void aLongTextIsCutAfterTheLimitInCodePointsNeverInsideAPair() {
        assertThat(QuotedText.of("abcdef", 4)).isEqualTo("abcd...");
        assertThat(QuotedText.of("abcd", 4)).isEqualTo("abcd");
        // Four code points, of which the last two take two chars each.
        assertThat(QuotedText.of("ab😀😀😀", 4)).isEqualTo("ab😀😀...");
        assertThat(QuotedText.of("\n".repeat(10), 2)).isEqualTo("\\u000a\\u000a...");
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> QuotedText.of("a", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
