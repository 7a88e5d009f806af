package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubjectsTest {
    @Test
    void validPatternsAndSubjects() {
        for (String ok : new String[] {"a", "a.b.c", "*", ">", "a.*", "a.>", "*.b.>", "$sys.session.opened", "é.ü"}) {
            assertThat(Subjects.checkPattern(ok, 256, 16)).as(ok).isNull();
        }
        assertThat(Subjects.checkSubject("a.b", 256, 16)).isNull();
        assertThat(Subjects.checkSubject("a.*", 256, 16)).contains("wildcards");
        assertThat(Subjects.checkSubject(">", 256, 16)).contains("wildcards");
    }

    @Test
    void invalidPatterns() {
        assertThat(Subjects.checkPattern("", 256, 16)).contains("empty");
        assertThat(Subjects.checkPattern("a..b", 256, 16)).contains("empty token");
        assertThat(Subjects.checkPattern(".a", 256, 16)).contains("empty token");
        assertThat(Subjects.checkPattern("a.", 256, 16)).contains("empty token");
        assertThat(Subjects.checkPattern("a.>.b", 256, 16)).contains("last");
        assertThat(Subjects.checkPattern("a*", 256, 16)).contains("whole token");
        assertThat(Subjects.checkPattern("*a", 256, 16)).contains("whole token");
        assertThat(Subjects.checkPattern("a.b>", 256, 16)).contains("whole token");
        assertThat(Subjects.checkPattern("a b", 256, 16)).contains("whitespace");
        assertThat(Subjects.checkPattern("a\tb", 256, 16)).contains("whitespace");
        assertThat(Subjects.checkPattern("a\u0001", 256, 16)).contains("control");
        assertThat(Subjects.checkPattern("abcde", 4, 16)).contains("longer");
        assertThat(Subjects.checkPattern("a.b.c", 256, 2)).contains("more than 2 tokens");
        assertThat(Subjects.checkPattern("a.b", 256, 2)).isNull();
    }

    @Test
    void helpers() {
        assertThat(Subjects.hasWildcard("a.*.c")).isTrue();
        assertThat(Subjects.hasWildcard("a.>")).isTrue();
        assertThat(Subjects.hasWildcard("a.b")).isFalse();
        assertThat(Subjects.isSystem("$sys.x")).isTrue();
        assertThat(Subjects.isSystem("$sys")).isTrue();
        assertThat(Subjects.isSystem("$system.x")).isFalse();
        assertThat(Subjects.tokens("a.bc.d")).containsExactly("a", "bc", "d");
        assertThat(Subjects.matches("a.*", "a.b")).isTrue();
        assertThat(Subjects.matches("a.>", "a")).isFalse();
        assertThat(Subjects.matches("a.>", "a.b.c")).isTrue();
        assertThat(Subjects.matches("a.*", "a.b.c")).isFalse();
    }
}
