package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {
    @ParameterizedTest(name = "{0} ~ ''{1}'' = {2}")
    @CsvSource({
        "reports/q1.pdf, reports/q1.pdf, true",
        "reports/q1.pdf, reports/q2.pdf, false",
        "reports/*.pdf, reports/q1.pdf, true",
        "reports/*.pdf, reports/q1.txt, false",
        "reports/*.pdf, reports/2026/q1.pdf, false",
        "reports/*, reports/a, true",
        "reports/*, reports, false",
        "reports/**, reports, true",
        "reports/**, reports/a, true",
        "reports/**, reports/a/b/c.pdf, true",
        "reports/**, reportsx/a, false",
        "reports/**/*.pdf, reports/q1.pdf, true",
        "reports/**/*.pdf, reports/2026/eu/q1.pdf, true",
        "reports/**/*.pdf, reports/2026/eu/q1.txt, false",
        "**/secret, secret, true",
        "**/secret, a/b/secret, true",
        "**/secret, a/b/secret/x, false",
        "**, '', true",
        "**, a/b, true",
        ">, a/b, true",
        "*, '', false",
        "a*b*c, abxbc, true",
        "a*b*c, acb, false",
    })
    void matches(String pattern, String path, boolean expected) {
        assertThat(PathPattern.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' is denied")
    @CsvSource({"/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\\b", "."})
    void pathsThatAreNotNormalizedMatchNothing(String path) {
        assertThat(PathPattern.compile("**").matches(path)).isFalse();
        assertThat(PathPattern.isNormalized(path)).isFalse();
    }

    @Test
    void badPatternsAreExplained() {
        assertThatThrownBy(() -> PathPattern.compile("/abs")).hasMessageContaining("relative");
        assertThatThrownBy(() -> PathPattern.compile("a/../b")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> PathPattern.compile("a//b")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PathPattern.compile("a/**b")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> PathPattern.compile("a\\b")).hasMessageContaining("'/'");
    }

    @ParameterizedTest(name = "{0} covers {1} = {2}")
    @CsvSource({
        "**, a/**, true",
        "**, **, true",
        "a/**, a/**, true",
        "a/**, a/b/*.pdf, true",
        "a/**, **, false",
        "a/*, a/**, false",
        "a/*, a/*, true",
        "a/*, a/x*, true",
        "a/*.pdf, a/*, false",
        "a/x*, a/xy, true",
        "**/*.pdf, a/**/b.pdf, true",
        "**/*.pdf, a/**, false",
    })
    void covers(String rule, String request, boolean expected) {
        assertThat(PathPattern.compile(rule).covers(PathPattern.compile(request))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} overlaps {1} = {2}")
    @CsvSource({
        "a/secret, a/*, true",
        "a/secret, a/**, true",
        "a/secret, **, true",
        "a/secret, b/**, false",
        "a/*.key, a/*.pdf, false",
        "a/*.key, a/x*, true",
        "**/*.key, a/b/c.pdf, false",
        "**/*.key, a/**/c.key, true",
        "a/b, a/b/c, false",
        "a/**, a, true",
    })
    void overlaps(String rule, String request, boolean expected) {
        assertThat(PathPattern.compile(rule).overlaps(PathPattern.compile(request))).isEqualTo(expected);
    }
}
