package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclRuleTest {
    @Test
    void parsesEveryField() {
        AclRule rule = AclRule.parse("rule.20", "  deny   role:guest  pubsub publish,subscribe  $sys.>  ");
        assertThat(rule.key()).isEqualTo("rule.20");
        assertThat(rule.number()).isEqualTo(20);
        assertThat(rule.allow()).isFalse();
        assertThat(rule.principal()).isEqualTo("role:guest");
        assertThat(rule.domain()).isEqualTo("pubsub");
        assertThat(rule.actions()).isEqualTo("publish,subscribe");
        assertThat(rule.pattern()).isEqualTo("$sys.>");
        assertThat(rule.patternFor(AclDomain.PUBSUB)).isInstanceOf(SubjectPattern.class);
        assertThat(rule.patternFor(AclDomain.RPC)).isNull();
        assertThat(rule.toString()).isEqualTo("rule.20 = deny role:guest pubsub publish,subscribe $sys.>");
    }

    @Test
    void aRefusedRuleIsQuotedOnOneBoundedLine() {
        String pattern = "orders.\u202e\u0001" + "x".repeat(5_000) + "*";
        assertThatThrownBy(() -> AclRule.parse("rule.5", "allow * pubsub publish " + pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'*' and '>' must be whole tokens in subject pattern 'orders.\\u202e\\u0001xxx")
                .hasMessageEndingWith("...")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
    }

    @Test
    void aRuleForEveryDomainCompilesItsPatternInEachSyntax() {
        AclRule rule = AclRule.parse("rule.1", "ALLOW * * * >");
        assertThat(rule.allow()).isTrue();
        assertThat(rule.patternFor(AclDomain.PUBSUB)).isInstanceOf(SubjectPattern.class);
        assertThat(rule.patternFor(AclDomain.RPC)).isInstanceOf(MethodPattern.class);
        assertThat(rule.patternFor(AclDomain.FILES)).isInstanceOf(PathPattern.class);
        assertThat(rule.patternFor(AclDomain.MESSAGES)).isInstanceOf(SubjectPattern.class);
    }

    @Test
    void parsesAMessagesRule() {
        AclRule rule = AclRule.parse("rule.30", "allow role:billing MESSAGES Send billing.>");
        assertThat(rule.allow()).isTrue();
        assertThat(rule.principal()).isEqualTo("role:billing");
        assertThat(rule.domain()).isEqualTo("messages");
        assertThat(rule.actions()).isEqualTo("send");
        assertThat(rule.pattern()).isEqualTo("billing.>");
        assertThat(rule.patternFor(AclDomain.MESSAGES)).isInstanceOf(SubjectPattern.class);
        assertThat(rule.patternFor(AclDomain.PUBSUB)).isNull();
        assertThat(rule.coversAction("send")).isTrue();
        assertThat(rule.coversAction("publish")).isFalse();
        assertThat(rule.toString()).isEqualTo("rule.30 = allow role:billing messages send billing.>");
    }

    @Test
    void sendAloneLimitsAWildcardDomainRuleToMessages() {
        AclRule rule = AclRule.parse("rule.1", "deny * * send orders.*");
        assertThat(rule.patternFor(AclDomain.MESSAGES)).isNotNull();
        assertThat(rule.patternFor(AclDomain.PUBSUB)).isNull();
        assertThat(rule.patternFor(AclDomain.RPC)).isNull();
        assertThat(rule.patternFor(AclDomain.FILES)).isNull();
        // A single token is a fine message type, though it would not do as an rpc pattern.
        AclRule single = AclRule.parse("rule.2", "allow * * send,publish echo");
        assertThat(single.patternFor(AclDomain.MESSAGES).matches("echo")).isTrue();
    }

    @Test
    void actionsLimitTheDomainsOfAWildcardDomainRule() {
        AclRule rule = AclRule.parse("rule.1", "allow * * read,call reports.*");
        assertThat(rule.patternFor(AclDomain.PUBSUB)).isNull();
        assertThat(rule.patternFor(AclDomain.RPC)).isNotNull();
        assertThat(rule.patternFor(AclDomain.FILES)).isNotNull();
        assertThat(rule.coversAction("read")).isTrue();
        assertThat(rule.coversAction("write")).isFalse();
    }

    @Test
    void filePatternsMayContainSpaces() {
        assertThat(AclRule.parse("rule.1", "allow * files read shared/Annual Report */*.pdf").pattern())
                .isEqualTo("shared/Annual Report */*.pdf");
    }

    @Test
    void principals() {
        AuthenticatedUser alice = new AuthenticatedUser("alice", Set.of("ops"), "SCRAM-SHA-256");
        assertThat(AclRule.parse("rule.1", "allow user:alice * * >").concerns(alice)).isTrue();
        assertThat(AclRule.parse("rule.1", "allow user:bob * * >").concerns(alice)).isFalse();
        assertThat(AclRule.parse("rule.1", "allow role:ops * * >").concerns(alice)).isTrue();
        assertThat(AclRule.parse("rule.1", "allow role:alice * * >").concerns(alice)).isFalse();
        assertThat(AclRule.parse("rule.1", "allow * * * >").concerns(alice)).isTrue();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "rule.x   | allow * * * >                        | rule.<number>",
        "rules.1  | allow * * * >                        | rule.<number>",
        "rule.1   | allow * * *                          | found 4 fields",
        "rule.1   | ''                                   | found 1 field",
        "rule.1   | permit * * * >                       | effect must be allow or deny",
        "rule.1   | allow alice * * >                    | principal must be user:NAME, role:NAME or *",
        "rule.1   | allow user: * * >                    | principal must be",
        "rule.1   | allow * mqtt * >                     | domain must be pubsub, rpc, messages, files or *",
        "rule.1   | allow * pubsub subscibe >            | unknown action 'subscibe' for domain pubsub",
        "rule.1   | allow * pubsub call >                | unknown action 'call'",
        "rule.1   | allow * pubsub publish,,subscribe >  | unknown action ''",
        "rule.1   | allow * pubsub * a..b                | empty token",
        "rule.1   | allow * rpc call calculator          | SERVICE.METHOD",
        "rule.1   | allow * files read /etc/**           | relative",
        "rule.1   | allow * * * $sys.>                   | rpc",
        "rule.1   | allow * message send >               | domain must be",
        "rule.1   | allow * messages sned orders.*       | unknown action 'sned' for domain messages (known: send,",
        "rule.1   | allow * messages publish orders.*    | unknown action 'publish' for domain messages",
        "rule.1   | allow * messages send orders..create | empty token in message-type pattern 'orders..create'",
        "rule.1   | allow * messages send orders.cr*     | '*' and '>' must be whole tokens in message-type pattern",
        "rule.1   | allow * messages send >.create       | '>' must be the last token",
        "rule.1   | allow * messages send .orders        | empty token",
        "rule.1   | allow * pubsub * a.>.b               | '>' must be the last token in subject pattern",
    })
    void badRulesAreExplained(String key, String value, String message) {
        assertThatThrownBy(() -> AclRule.parse(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
