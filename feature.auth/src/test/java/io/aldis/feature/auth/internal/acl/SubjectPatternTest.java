package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "orders.new, orders.new, true",
        "orders.new, orders.old, false",
        "orders.new, orders.new.x, false",
        "orders.new, orders, false",
        "orders.*, orders.new, true",
        "orders.*, orders, false",
        "orders.*, orders.new.eu, false",
        "orders.>, orders.new, true",
        "orders.>, orders.new.eu, true",
        "orders.>, orders, false",
        "*.new, orders.new, true",
        "*.new, orders.old, false",
        ">, orders, true",
        ">, a.b.c.d, true",
        "*, orders, true",
        "*, a.b, false",
        "orders.*.eu, orders.new.eu, true",
        "orders.*.eu, orders.new.us, false",
        "orders.*, orders., false",
        "orders.>, orders., false",
        "orders, ordersx, false",
        "orders, order, false",
    })
    void matches(String pattern, String subject, boolean expected) {
        assertThat(SubjectPattern.compile(pattern).matches(subject)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        ">, $sys.sessions.opened, false",
        "*, $sys, false",
        "*.sessions.opened, $sys.sessions.opened, false",
        ">, $system.x, false",
        "$sys.>, $sys.sessions.opened, true",
        "$sys.*.opened, $sys.sessions.opened, true",
        "$sys.>, $sys, false",
        "a.>, a.$sys, true",
    })
    void reservedSubjectsNeedAnExplicitFirstToken(String pattern, String subject, boolean expected) {
        assertThat(SubjectPattern.compile(pattern).matches(subject)).isEqualTo(expected);
    }

    @Test
    void badPatternsAreExplained() {
        assertThatThrownBy(() -> SubjectPattern.compile("")).hasMessageContaining("empty subject pattern");
        assertThatThrownBy(() -> SubjectPattern.compile("a..b")).hasMessageContaining("empty token");
        assertThatThrownBy(() -> SubjectPattern.compile("a.")).hasMessageContaining("empty token");
        assertThatThrownBy(() -> SubjectPattern.compile(">.a")).hasMessageContaining("'>' must be the last token");
        assertThatThrownBy(() -> SubjectPattern.compile("a*.b")).hasMessageContaining("whole tokens");
        assertThatThrownBy(() -> SubjectPattern.compile("a.b>")).hasMessageContaining("whole tokens");
    }

    @Test
    void recognisesPatternsAmongSubjects() {
        assertThat(SubjectPattern.isPattern("a.*")).isTrue();
        assertThat(SubjectPattern.isPattern(">")).isTrue();
        assertThat(SubjectPattern.isPattern("*.b")).isTrue();
        assertThat(SubjectPattern.isPattern("a.b")).isFalse();
        assertThat(SubjectPattern.isPattern("a*.b>")).isFalse();
        assertThat(SubjectPattern.isPattern("a.")).isFalse();
    }

    @ParameterizedTest(name = "{0} covers {1} = {2}")
    @CsvSource({
        "a.>, a.b, true",
        "a.>, a.*, true",
        "a.>, a.>, true",
        "a.>, a.b.>, true",
        "a.>, a, false",
        "a.>, >, false",
        "a.*, a.b, true",
        "a.*, a.>, false",
        "a.*, a.*.c, false",
        "a.b, a.*, false",
        "*.b, a.b, true",
        ">, a.b, true",
        ">, a.>, true",
        // a leading wildcard in the request may reach $sys, which a leading wildcard here does not
        ">, >, false",
        ">, *.b, false",
        ">, $sys.x, false",
        "$sys.>, $sys.x.>, true",
    })
    void covers(String rule, String request, boolean expected) {
        assertThat(SubjectPattern.compile(rule).covers(SubjectPattern.compile(request))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} overlaps {1} = {2}")
    @CsvSource({
        "a.secret, a.*, true",
        "a.secret, a.>, true",
        "a.secret, >, true",
        "a.secret, b.*, false",
        "a.secret, a.*.c, false",
        "a.*.c, a.b.*, true",
        "a.>, a, false",
        "*, a.b, false",
        ">, $sys.x, false",
        "$sys.>, >, true",
        "$sys.x, *.x, true",
    })
    void overlaps(String rule, String request, boolean expected) {
        assertThat(SubjectPattern.compile(rule).overlaps(SubjectPattern.compile(request))).isEqualTo(expected);
    }
}
