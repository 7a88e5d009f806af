package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the rules of {@code etc/io.aldis.auth.acl.cfg} ({@link AclRule#parse}): the input is a
 * key, a zero byte, the rule's text, another zero byte and a resource to match. The contract: a
 * rule that writes back to a text parsing to the same rule, whose patterns answer for any resource
 * without failing; or an {@link IllegalArgumentException} whose message is one of the parser's own,
 * on one short line whatever the rule held (the message goes to the log and to
 * {@code aldis:acl-list}).
 */
class AclRuleFuzzTest {
    /** The beginnings of every reason the parser and the pattern compilers give. */
    private static final List<String> REASONS = List.of("key must be rule.<number>", "expected '<allow|deny>",
            "effect must be allow or deny, not ", "principal must be user:NAME, role:NAME or *, not ",
            "domain must be pubsub, rpc, messages, files or *, not ", "unknown action ", "whitespace in ",
            "rpc pattern must be SERVICE.METHOD", "empty token in ", "path pattern must be relative",
            "path pattern must use '/'", "empty, '.' or '..' segment in path pattern ",
            "'**' must be a whole segment in path pattern ", "empty ", "'>' must be the last token in ",
            "'*' and '>' must be whole tokens in ", "in rpc patterns '>' stands alone");
    /** 160 code points, each at most a six-character escape, and the "..." of a cut. */
    private static final int LONGEST_MESSAGE = 160 * 6 + 3;

    @FuzzTest
    void parsesBackToItselfOrRefusesOnOneLine(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\0", 3);
        String key = parts[0];
        String value = parts.length > 1 ? parts[1] : "";
        String resource = parts.length > 2 ? parts[2] : "orders.new";

        AclRule rule;
        try {
            rule = AclRule.parse(key, value);
        } catch (IllegalArgumentException refused) {
            String reason = refused.getMessage();
            assertThat(REASONS).as("reason %s", reason).anyMatch(reason::startsWith);
            assertThat(reason.codePoints().noneMatch(AclRuleFuzzTest::breaksTheLine)).as("one line: %s", reason)
                    .isTrue();
            assertThat(reason.length()).as("short: %s", reason).isLessThanOrEqualTo(LONGEST_MESSAGE);
            return;
        }
        String written = rule.toString();
        String again = written.substring(written.indexOf(" = ") + 3);
        AclRule reparsed = AclRule.parse(rule.key(), again);
        assertThat(reparsed.toString()).isEqualTo(written);
        for (AclDomain d : AclDomain.values()) {
            ResourcePattern pattern = rule.patternFor(d);
            if (pattern != null) {
                boolean matches = pattern.matches(resource);
                assertThat(reparsed.patternFor(d).matches(resource)).isEqualTo(matches);
                if (matches) { // covers may say false when unsure, but overlaps may not here
                    assertThat(pattern.overlaps(pattern)).isTrue();
                }
            }
        }
    }

    private static boolean breaksTheLine(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT || type == Character.SURROGATE;
    }
}
