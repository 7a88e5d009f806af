package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MethodPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "calculator.add, calculator.add, true",
        "calculator.add, calculator.sub, false",
        "calculator.*, calculator.add, true",
        "calculator.*, calc.add, false",
        "calculator.*, billing.calculator.add, false",
        "*.*, calculator.add, true",
        "*.*, billing.invoice.create, true",
        "*.add, billing.invoice.add, true",
        "billing.*.*, billing.invoice.create, true",
        "billing.*.*, billing.create, false",
        "billing.invoice.*, billing.invoice.create, true",
        "calculator.get*, calculator.getTotal, true",
        "calculator.get*, calculator.setTotal, false",
        ">, a.b, true",
        ">, x.y.z, true",
        "*.*, calculator, false",
        "*.*, calculator., false",
        "*.*, .add, false",
    })
    void matches(String pattern, String name, boolean expected) {
        assertThat(MethodPattern.compile(pattern).matches(name)).isEqualTo(expected);
    }

    @Test
    void badPatternsAreExplained() {
        assertThatThrownBy(() -> MethodPattern.compile("calculator")).hasMessageContaining("SERVICE.METHOD");
        assertThatThrownBy(() -> MethodPattern.compile("calculator.")).hasMessageContaining("SERVICE.METHOD");
        assertThatThrownBy(() -> MethodPattern.compile("calculator.>")).hasMessageContaining("'>' stands alone");
        assertThatThrownBy(() -> MethodPattern.compile("a..b")).hasMessageContaining("empty token");
    }

    @Test
    void coversAndOverlaps() {
        MethodPattern all = MethodPattern.compile("*.*");
        MethodPattern calculator = MethodPattern.compile("calculator.*");
        MethodPattern add = MethodPattern.compile("calculator.add");
        assertThat(all.covers(calculator)).isTrue();
        assertThat(MethodPattern.compile(">").covers(all)).isTrue();
        assertThat(calculator.covers(add)).isTrue();
        assertThat(add.covers(calculator)).isFalse();
        assertThat(add.overlaps(calculator)).isTrue();
        assertThat(MethodPattern.compile("billing.*").overlaps(calculator)).isFalse();
        assertThat(MethodPattern.compile("calculator.get*").overlaps(MethodPattern.compile("calculator.set*")))
                .isFalse();
    }
}
