package io.aldis.feature.filetransfer.internal.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "''          | a/b/c.txt   | true",
        "*.pdf       | a.pdf       | true",
        "*.pdf       | dir/a.pdf   | false",
        "*.pdf       | .pdf        | true",
        "**/*.pdf    | a.pdf       | true",
        "**/*.pdf    | x/y/a.pdf   | true",
        "**/*.pdf    | x/y/a.txt   | false",
        "docs/**     | docs/a/b    | true",
        "docs/**     | docsx/a     | false",
        "a/**/b      | a/b         | true",
        "a/**/b      | a/x/y/b     | true",
        "a/**/b      | a/xb        | false",
        "**          | any/thing   | true",
        "?.txt       | a.txt       | true",
        "?.txt       | /.txt       | false",
        "?.txt       | ab.txt      | false",
        "[abc].txt   | b.txt       | true",
        "[abc].txt   | d.txt       | false",
        "[a-c]x      | cx          | true",
        "[!a-c]x     | dx          | true",
        "[!a-c]x     | ax          | false",
        "[!a]x       | /x          | false",
        "\\*.txt     | *.txt       | true",
        "\\*.txt     | a.txt       | false",
        "[]]         | ]           | true",
        "a**b        | aXYb        | true",
        "a**b        | a/b         | false",
        "é*          | été         | true",
    })
    void matches(String pattern, String name, boolean expected) {
        assertThat(Glob.compile(pattern).matches(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[abc", "a\\", "[!", "[z-a]"})
    void patternsThatAreNotWellFormedAreInvalidFileNames(String pattern) {
        assertThatThrownBy(() -> Glob.compile(pattern)).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME);
    }

    @Test
    void aPathologicalPatternTakesStepsLinearInTheName() {
        Glob glob = Glob.compile("*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String name = "a".repeat(20_000);
        assertThat(glob.matches(name)).isFalse();
        long steps = glob.steps(name);
        // A backtracking matcher needs on the order of n^12 steps here; this one stays within its bound.
        assertThat(steps).isLessThanOrEqualTo(glob.stepBound(name.length()));
        assertThat(glob.stepBound(name.length())).isLessThan(20_001L * 30);
        assertThat(Glob.compile("**/**/**/**/**/**/x").steps("a/".repeat(5000) + "y"))
                .isLessThanOrEqualTo(10_002L * 8);
    }

    @Test
    void aRefusedPatternIsQuotedBackOnOneShortLine() {
        // Found by ListGlobFuzzTest: the pattern came back verbatim, line breaks and all, up to
        // the 65535 bytes a LIST_REQUEST may carry.
        assertThatThrownBy(() -> Glob.compile("a\n[" + "x".repeat(1000)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FILE_NAME);
                    assertThat(e.getMessage()).startsWith("the pattern 'a\\u000a[xxx").doesNotContain("\n")
                            .endsWith("...' has a [ without its ]").hasSizeLessThan(130);
                });
    }
}
