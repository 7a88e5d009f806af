package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes subject syntax ({@link Subjects}) and routing ({@link SubjectTrie}) with a pattern and a
 * subject as a client sends them in SUBSCRIBE and PUBLISH, under the default limits (256
 * characters, 16 tokens). The contract: a check either accepts or says why in one plain line;
 * a valid subject is a valid pattern and splits into tokens that join back to it; and for a valid
 * pattern and subject, the trie routes the subject to the subscription exactly when
 * {@link Subjects#matches} says the pattern matches it, and a pattern always matches itself
 * once its wildcards are replaced by concrete tokens.
 */
class SubjectsFuzzTest {
    private static final int MAX_LENGTH = 256;
    private static final int MAX_DEPTH = 16;

    private record Sub(String pattern, String queueGroup) implements SubjectTrie.Entry {
    }

    @FuzzTest
    void validatesAndRoutesConsistently(FuzzedDataProvider input) {
        String pattern = input.consumeString(300);
        String subject = input.consumeRemainingAsString();
        String patternProblem = Subjects.checkPattern(pattern, MAX_LENGTH, MAX_DEPTH);
        String subjectProblem = Subjects.checkSubject(subject, MAX_LENGTH, MAX_DEPTH);
        for (String problem : new String[] {patternProblem, subjectProblem}) {
            if (problem != null) {
                assertThat(problem).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
            }
        }
        if (subjectProblem == null) {
            assertThat(Subjects.checkPattern(subject, MAX_LENGTH, MAX_DEPTH)).as("a subject is a pattern").isNull();
            assertThat(String.join(".", Subjects.tokens(subject))).isEqualTo(subject);
            assertThat(Subjects.hasWildcard(subject)).isFalse();
        }
        if (patternProblem != null) {
            return;
        }
        String concrete = pattern.replace(">", "x").replace("*", "y");
        assertThat(Subjects.checkSubject(concrete, MAX_LENGTH, MAX_DEPTH)).isNull();
        assertThat(Subjects.matches(pattern, concrete)).as("%s matches %s", pattern, concrete).isTrue();

        SubjectTrie<Sub> trie = new SubjectTrie<>();
        Sub sub = new Sub(pattern, "");
        trie.add(sub);
        assertThat(trie.match(concrete).plain).containsExactly(sub);
        if (subjectProblem == null) {
            boolean matches = Subjects.matches(pattern, subject);
            assertThat(trie.match(subject).plain.contains(sub)).as("trie routes %s to %s", subject, pattern)
                    .isEqualTo(matches);
        }
        assertThat(trie.remove(sub)).isTrue();
        assertThat(trie.match(concrete).isEmpty()).isTrue();
    }
}
