package io.aldis.feature.filetransfer.internal.names;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;

/**
 * Fuzzes LIST patterns ({@link Glob}) with a pattern and a file name as a client could make the
 * node match them. The contract: a pattern compiles or is refused with {@code INVALID_FILE_NAME}
 * in one printable line; matching a name never takes more automaton steps than the bound
 * (name length + 1) × (tokens + 1), whatever the pattern, so no pattern can make a LIST slow
 * (counted in steps, not time); and a pattern that escapes every character of a non-empty name
 * matches exactly that name.
 */
class ListGlobFuzzTest {
    @FuzzTest
    void compilesOrRefusesAndMatchesWithinItsBudget(FuzzedDataProvider input) {
        String pattern = input.consumeString(512);
        String name = input.consumeRemainingAsString();
        Glob glob;
        try {
            glob = Glob.compile(pattern);
        } catch (ProtocolException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FILE_NAME);
            assertThat(e.getMessage()).as("refusal").isNotBlank().doesNotContain("Exception")
                    .matches(m -> m.codePoints().noneMatch(Character::isISOControl), "has no control characters");
            return;
        }
        long steps = glob.steps(name);
        assertThat(steps).as("steps to match %s against %s", name, pattern)
                .isLessThanOrEqualTo(glob.stepBound(name.codePointCount(0, name.length())));

        StringBuilder escaped = new StringBuilder();
        name.codePoints().forEach(c -> escaped.append('\\').appendCodePoint(c));
        Glob exact = Glob.compile(escaped.toString());
        assertThat(exact.matches(name)).as("%s matches itself escaped", name).isTrue();
        if (!name.isEmpty()) { // the empty pattern matches every name
            assertThat(exact.matches(name + "x")).isFalse();
        }
    }
}
