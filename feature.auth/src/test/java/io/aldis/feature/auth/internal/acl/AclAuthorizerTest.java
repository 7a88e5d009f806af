package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AclAuthorizerTest {
    static final AuthenticatedUser ADMIN = new AuthenticatedUser("root", Set.of("admin"), "SCRAM-SHA-256");
    static final AuthenticatedUser ALICE = new AuthenticatedUser("alice", Set.of("ops"), "SCRAM-SHA-256");
    static final AuthenticatedUser BOB = new AuthenticatedUser("bob", Set.of(), "PLAIN");

    static AclAuthorizer acl(String... keysAndRules) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("service.pid", AclAuthorizer.PID);
        for (int i = 0; i < keysAndRules.length; i += 2) {
            properties.put(keysAndRules[i], keysAndRules[i + 1]);
        }
        return new AclAuthorizer(16, properties);
    }

    @Test
    void defaultsWithoutAnyRule() {
        AclAuthorizer acl = acl();
        assertThat(acl.usingDefaults()).isTrue();
        assertThat(acl.rules()).extracting(AclRule::key)
                .containsExactly("rule.10", "rule.20", "rule.25", "rule.30", "rule.40", "rule.50", "rule.60");

        for (String action : new String[] {"publish", "subscribe"}) {
            assertThat(acl.permits(BOB, "pubsub", "orders.new", action)).isTrue();
            assertThat(acl.permits(BOB, "pubsub", "$sys.sessions.opened", action)).isFalse();
            assertThat(acl.permits(ADMIN, "pubsub", "$sys.sessions.opened", action)).isTrue();
        }
        assertThat(acl.permits(BOB, "rpc", "calculator.add", "call")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "billing.invoice.create", "provide")).isTrue();
        for (String action : new String[] {"read", "write", "list", "delete"}) {
            assertThat(acl.permits(BOB, "files", "reports/q1.pdf", action)).isTrue();
            assertThat(acl.permits(BOB, "files", "", action)).isTrue();
            assertThat(acl.permits(BOB, "files", "../outside", action)).isFalse();
        }
        assertThat(acl.permits(ADMIN, "files", "a/b", "delete")).isTrue();
        assertThat(acl.permits(BOB, "files", "a/b", "rename")).isFalse(); // an action the defaults do not name
        assertThat(acl.permitsAll(BOB, "pubsub", "$sys.>", "subscribe")).isFalse();
        assertThat(acl.permitsAll(ADMIN, "pubsub", "$sys.>", "subscribe")).isTrue();
        assertThat(acl.permitsAll(BOB, "pubsub", "orders.>", "subscribe")).isTrue();
        assertThat(acl.permitsAll(BOB, "rpc", "calculator.*", "call")).isTrue();
        assertThat(acl.permitsAll(BOB, "files", "reports/**", "read")).isTrue();
    }

    @Test
    void pausingOtherPublishersIsForAdminsByDefaultAndCanBeGranted() {
        AclAuthorizer defaults = acl();
        assertThat(defaults.permitsAll(BOB, "pubsub", ">", "block")).isFalse();
        assertThat(defaults.permits(BOB, "pubsub", "orders.new", "block")).isFalse();
        assertThat(defaults.permits(ADMIN, "pubsub", "orders.new", "block")).isTrue();

        AclAuthorizer granted = acl("rule.10", "allow role:ops pubsub subscribe,block telemetry.>",
                "rule.20", "allow * pubsub publish,subscribe >");
        assertThat(granted.permitsAll(ALICE, "pubsub", "telemetry.>", "block")).isTrue();
        assertThat(granted.permitsAll(ALICE, "pubsub", ">", "block")).isFalse();
        assertThat(granted.permitsAll(BOB, "pubsub", "telemetry.>", "block")).isFalse();
        assertThat(Authorizer.DEFAULT.permitsAll(BOB, "pubsub", "telemetry.>", "block")).isFalse();
        assertThat(Authorizer.DEFAULT.permits(BOB, "pubsub", "telemetry.cpu", "block")).isFalse();
        assertThat(Authorizer.DEFAULT.permitsAll(ADMIN, "pubsub", ">", "block")).isTrue();
    }

    @Test
    void defaultsLetEveryoneSendEveryMessageTypeOutsideSys() {
        AclAuthorizer acl = acl();
        for (AuthenticatedUser user : new AuthenticatedUser[] {ADMIN, ALICE, BOB}) {
            assertThat(acl.permits(user, "messages", "orders.create", "send")).isTrue();
            assertThat(acl.permits(user, "messages", "echo", "send")).isTrue();
            assertThat(acl.permits(user, "messages", "billing.invoice.create", "send")).isTrue();
        }
        // As Authorizer.DEFAULT has it: $sys types are the admins' only.
        assertThat(acl.permits(BOB, "messages", "$sys.ping", "send")).isFalse();
        assertThat(acl.permits(ADMIN, "messages", "$sys.ping", "send")).isTrue();
        assertThat(acl.decidingRule(ADMIN, "messages", "$sys.ping", "send").key()).isEqualTo("rule.25");
        assertThat(acl.decidingRule(BOB, "messages", "orders.create", "send").key()).isEqualTo("rule.60");
        for (String type : new String[] {"orders.create", "echo", "$sys.ping"}) {
            for (AuthenticatedUser user : new AuthenticatedUser[] {ADMIN, BOB}) {
                assertThat(acl.permits(user, "messages", type, "send"))
                        .as("%s sends %s", user.name(), type)
                        .isEqualTo(Authorizer.DEFAULT.permits(user, Authorizer.MESSAGES, type, "send"));
            }
        }
        assertThat(acl.permits(BOB, "messages", "orders.create", "publish")).isFalse();
    }

    @Test
    void messageTypesAreGrantedWithSubjectPatterns() {
        AclAuthorizer acl = acl(
                "rule.10", "deny user:bob messages send orders.cancel",
                "rule.20", "allow user:alice messages send orders.*",
                "rule.30", "allow role:ops messages send billing.>",
                "rule.40", "allow * messages send orders.>",
                "rule.50", "allow * messages send echo",
                "rule.60", "allow * pubsub publish,subscribe >");
        assertThat(acl.permits(ALICE, "messages", "orders.create", "send")).isTrue();
        assertThat(acl.decidingRule(ALICE, "messages", "orders.create", "send").key()).isEqualTo("rule.20");
        // '*' is one token, as in subjects; '>' is one or more.
        assertThat(acl.decidingRule(ALICE, "messages", "orders.create.eu", "send").key()).isEqualTo("rule.40");
        assertThat(acl.permits(ALICE, "messages", "orders", "send")).isFalse();
        assertThat(acl.permits(ALICE, "messages", "billing.charge", "send")).isTrue(); // role ops
        assertThat(acl.permits(ALICE, "messages", "billing", "send")).isFalse();
        assertThat(acl.permits(BOB, "messages", "billing.charge", "send")).isFalse();
        assertThat(acl.permits(BOB, "messages", "orders.cancel", "send")).isFalse();
        assertThat(acl.decidingRule(BOB, "messages", "orders.cancel", "send").key()).isEqualTo("rule.10");
        assertThat(acl.permits(BOB, "messages", "orders.create", "send")).isTrue();
        assertThat(acl.permits(BOB, "messages", "echo", "send")).isTrue();
        assertThat(acl.permits(BOB, "messages", "echo.x", "send")).isFalse();
        // Malformed types match no pattern but '>': they are denied here.
        assertThat(acl.permits(BOB, "messages", "", "send")).isFalse();
        assertThat(acl.permits(BOB, "messages", "orders..create", "send")).isFalse();
        assertThat(acl.permits(BOB, "messages", "orders.", "send")).isFalse();
        // A grant in another domain grants nothing here, and the reverse.
        assertThat(acl.permits(BOB, "messages", "news.today", "send")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "orders.create", "publish")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "orders.create", "call")).isFalse();
    }

    @Test
    void aMessageTypeWithWildcardCharactersIsANameNotAPattern() {
        AclAuthorizer acl = acl(
                "rule.1", "deny * messages send orders.cancel",
                "rule.2", "allow * messages send orders.*");
        // The node hands a type only to the handler of exactly that type, so the deny on
        // orders.cancel is not in the way of a type literally named "orders.*".
        assertThat(acl.permits(BOB, "messages", "orders.*", "send")).isTrue();
        assertThat(acl.permits(BOB, "messages", "orders.cancel", "send")).isFalse();
        // Asked as a pattern, it is judged as one.
        assertThat(acl.permitsAll(BOB, "messages", "orders.*", "send")).isFalse();
        assertThat(acl.permitsAll(BOB, "messages", "orders.create", "send")).isTrue();
    }

    @Test
    void wildcardGrantsOnMessageTypesDoNotReachSys() {
        AclAuthorizer acl = acl(
                "rule.1", "allow * messages send >",
                "rule.2", "allow * * * *.admin",
                "rule.3", "allow role:ops messages send $sys.>");
        assertThat(acl.permits(BOB, "messages", "$sys.ping", "send")).isFalse();
        assertThat(acl.permits(BOB, "messages", "$sys.admin", "send")).isFalse();
        assertThat(acl.permits(ALICE, "messages", "$sys.ping", "send")).isTrue();
        assertThat(acl.permits(BOB, "messages", "ops.admin", "send")).isTrue();
        assertThat(acl.permitsAll(BOB, "messages", ">", "send")).isFalse();
        assertThat(acl.permitsAll(BOB, "messages", "orders.>", "send")).isTrue();
    }

    @Test
    void anEmptyConfigurationUsesTheDefaultsButOnlyBadRulesDenyEverything() {
        assertThat(new AclAuthorizer(16, Map.of()).usingDefaults()).isTrue();
        assertThat(new AclAuthorizer(16, null).usingDefaults()).isTrue();
        AclAuthorizer broken = acl("rule.1", "alow * * * >");
        assertThat(broken.usingDefaults()).isFalse();
        assertThat(broken.rules()).isEmpty();
        assertThat(broken.problems()).containsExactly("rule.1: effect must be allow or deny, not 'alow'");
        assertThat(broken.permits(ADMIN, "pubsub", "orders", "publish")).isFalse();
    }

    @Test
    void badLinesAreSkippedAndTheRestApply() {
        AclAuthorizer acl = acl(
                "rule.10", "allow * pubsub subscribe news.>",
                "rule.20", "allow * pubsub publsh news.>",
                "rule.30", "allow * rpc call calculator",
                "rule.x", "allow * * * >",
                "rule.40", "allow * rpc call calculator.*");
        assertThat(acl.rules()).extracting(AclRule::key).containsExactly("rule.10", "rule.40");
        assertThat(acl.problems()).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("rule.20: unknown action 'publsh'"))
                .anySatisfy(p -> assertThat(p).startsWith("rule.30: rpc pattern must be SERVICE.METHOD"))
                .anySatisfy(p -> assertThat(p).startsWith("rule.x: key must be"));
        assertThat(acl.permits(BOB, "pubsub", "news.today", "subscribe")).isTrue();
        assertThat(acl.permits(BOB, "pubsub", "news.today", "publish")).isFalse();
        assertThat(acl.permits(BOB, "rpc", "calculator.add", "call")).isTrue();
    }

    @Test
    void aValueThatIsNotAStringIsSkipped() {
        Map<String, Object> properties = Map.of("rule.1", new String[] {"allow * * * >"},
                "rule.2", "allow * pubsub publish a");
        AclAuthorizer acl = new AclAuthorizer(16, properties);
        assertThat(acl.problems()).containsExactly("rule.1: value must be a single string");
        assertThat(acl.rules()).hasSize(1);
    }

    @Test
    void rulesAreTriedInNumericOrderAndTheFirstMatchDecides() {
        AclAuthorizer denyFirst = acl(
                "rule.9", "deny * pubsub publish orders.secret",
                "rule.10", "allow * pubsub publish orders.>");
        assertThat(denyFirst.permits(BOB, "pubsub", "orders.secret", "publish")).isFalse();
        assertThat(denyFirst.permits(BOB, "pubsub", "orders.public", "publish")).isTrue();
        assertThat(denyFirst.decidingRule(BOB, "pubsub", "orders.secret", "publish").key()).isEqualTo("rule.9");

        // rule.100 sorts after rule.20 although its key sorts before it as text.
        AclAuthorizer allowFirst = acl(
                "rule.100", "deny * pubsub publish orders.secret",
                "rule.20", "allow * pubsub publish orders.>");
        assertThat(allowFirst.rules()).extracting(AclRule::key).containsExactly("rule.20", "rule.100");
        assertThat(allowFirst.permits(BOB, "pubsub", "orders.secret", "publish")).isTrue();
        assertThat(allowFirst.decidingRule(BOB, "pubsub", "orders.secret", "publish").key()).isEqualTo("rule.20");
    }

    @Test
    void nothingMatchingMeansDenied() {
        AclAuthorizer acl = acl("rule.1", "allow user:alice pubsub publish orders.>");
        assertThat(acl.permits(ALICE, "pubsub", "orders.new", "publish")).isTrue();
        assertThat(acl.permits(ALICE, "pubsub", "orders.new", "subscribe")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "orders.new", "publish")).isFalse();
        assertThat(acl.decidingRule(BOB, "pubsub", "orders.new", "publish")).isNull();
    }

    @Test
    void principalsByUserRoleAndAnyone() {
        AclAuthorizer acl = acl(
                "rule.1", "deny user:bob rpc * admin.*",
                "rule.2", "allow role:ops rpc * admin.*",
                "rule.3", "allow * rpc call public.*");
        assertThat(acl.permits(ALICE, "rpc", "admin.restart", "call")).isTrue();
        assertThat(acl.permits(ALICE, "rpc", "admin.restart", "provide")).isTrue();
        AuthenticatedUser bobWithOps = new AuthenticatedUser("bob", Set.of("ops"), "PLAIN");
        assertThat(acl.permits(bobWithOps, "rpc", "admin.restart", "call")).isFalse();
        assertThat(acl.permits(BOB, "rpc", "public.time", "call")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "public.time", "provide")).isFalse();
    }

    @Test
    void sysSubjectsAreOutOfReachOfLeadingWildcards() {
        AclAuthorizer acl = acl(
                "rule.1", "allow * pubsub * >",
                "rule.2", "allow * pubsub * *.metrics",
                "rule.3", "allow role:ops pubsub subscribe $sys.sessions.>");
        assertThat(acl.permits(BOB, "pubsub", "$sys.metrics", "subscribe")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "$sys.sessions.opened", "subscribe")).isFalse();
        assertThat(acl.permits(ALICE, "pubsub", "$sys.sessions.opened", "subscribe")).isTrue();
        assertThat(acl.permits(ALICE, "pubsub", "$sys.sessions.opened", "publish")).isFalse();
        assertThat(acl.permits(ALICE, "pubsub", "$sys.features.added", "subscribe")).isFalse();
    }

    @Test
    void fileGlobs() {
        AclAuthorizer acl = acl(
                "rule.1", "deny * files * **/*.key",
                "rule.2", "allow user:alice files read,write,list home/alice/**",
                "rule.3", "allow * files read,list public/**",
                "rule.4", "allow * files write inbox/*");
        assertThat(acl.permits(ALICE, "files", "home/alice/notes/a.txt", "write")).isTrue();
        assertThat(acl.permits(ALICE, "files", "home/alice", "list")).isTrue();
        assertThat(acl.permits(ALICE, "files", "home/alice/id.key", "read")).isFalse();
        assertThat(acl.permits(BOB, "files", "home/alice/notes/a.txt", "read")).isFalse();
        assertThat(acl.permits(BOB, "files", "public/docs/a.pdf", "read")).isTrue();
        assertThat(acl.permits(BOB, "files", "public/docs/a.pdf", "write")).isFalse();
        assertThat(acl.permits(BOB, "files", "public/../home/alice/a.txt", "read")).isFalse();
        assertThat(acl.permits(BOB, "files", "inbox/upload.bin", "write")).isTrue();
        assertThat(acl.permits(BOB, "files", "inbox/sub/upload.bin", "write")).isFalse();
    }

    @Test
    void removingAFileIsItsOwnAction() {
        AclAuthorizer acl = acl(
                "rule.1", "allow * files read,write,list inbox/**",
                "rule.2", "allow user:alice files delete inbox/**");
        assertThat(acl.permits(ALICE, "files", "inbox/a.txt", "delete")).isTrue();
        assertThat(acl.permits(BOB, "files", "inbox/a.txt", "delete")).isFalse();
        assertThat(acl.permits(BOB, "files", "inbox/a.txt", "write")).isTrue();
        assertThat(acl().permits(BOB, "files", "any/file.txt", "delete")).isTrue();
    }

    @Test
    void rpcPatterns() {
        AclAuthorizer acl = acl(
                "rule.1", "deny * rpc call calculator.divide",
                "rule.2", "allow * rpc call calculator.*",
                "rule.3", "allow role:ops rpc provide *.*",
                "rule.4", "allow * rpc call billing.*.get*");
        assertThat(acl.permits(BOB, "rpc", "calculator.add", "call")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "calculator.divide", "call")).isFalse();
        assertThat(acl.permits(BOB, "rpc", "calculator.add", "provide")).isFalse();
        assertThat(acl.permits(ALICE, "rpc", "billing.invoice.create", "provide")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "billing.invoice.getTotal", "call")).isTrue();
        assertThat(acl.permits(BOB, "rpc", "billing.invoice.create", "call")).isFalse();
        assertThat(acl.permitsAll(BOB, "rpc", "calculator.*", "call")).isFalse();
        assertThat(acl.permitsAll(BOB, "rpc", "calculator.add", "call")).isTrue();
    }

    @Test
    void permitsAllIsFalseWhenADenyOverlapsThePattern() {
        AclAuthorizer acl = acl(
                "rule.1", "deny * pubsub subscribe orders.secret.>",
                "rule.2", "allow * pubsub subscribe orders.>",
                "rule.3", "allow * pubsub subscribe metrics.*",
                "rule.4", "allow * pubsub subscribe metrics.cpu.>");
        assertThat(acl.permitsAll(BOB, "pubsub", "orders.>", "subscribe")).isFalse();
        assertThat(acl.permitsAll(BOB, "pubsub", "orders.*.eu", "subscribe")).isFalse();
        assertThat(acl.permitsAll(BOB, "pubsub", "orders.public.>", "subscribe")).isTrue();
        assertThat(acl.permitsAll(BOB, "pubsub", "orders.*", "subscribe")).isTrue();
        // Only part of metrics.> is allowed, by two rules; the answer stays on the safe side.
        assertThat(acl.permitsAll(BOB, "pubsub", "metrics.>", "subscribe")).isFalse();
        assertThat(acl.permitsAll(BOB, "pubsub", "metrics.*", "subscribe")).isTrue();
        assertThat(acl.permitsAll(BOB, "pubsub", "orders..x", "subscribe")).isFalse(); // not a pattern
        // Concrete subjects under the partly denied pattern are still judged one by one.
        assertThat(acl.permits(BOB, "pubsub", "orders.secret.x", "subscribe")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "orders.us.eu", "subscribe")).isTrue();
    }

    @Test
    void aWildcardPassedAsASubjectIsJudgedAsAPattern() {
        AclAuthorizer acl = acl(
                "rule.1", "deny * pubsub subscribe orders.secret",
                "rule.2", "allow * pubsub subscribe orders.>");
        assertThat(acl.permits(BOB, "pubsub", "orders.*", "subscribe")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "orders.public", "subscribe")).isTrue();
    }

    @Test
    void unknownDomainsActionsAndNullsAreDenied() {
        AclAuthorizer acl = acl("rule.1", "allow * * * >");
        assertThat(acl.permits(BOB, "mqtt", "a", "publish")).isFalse();
        assertThat(acl.permitsAll(BOB, "mqtt", "a", "publish")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", "a", "purge")).isTrue(); // actions * covers future actions
        AclAuthorizer listed = acl("rule.1", "allow * pubsub publish,subscribe >");
        assertThat(listed.permits(BOB, "pubsub", "a", "purge")).isFalse();
        assertThat(acl.permits(null, "pubsub", "a", "publish")).isFalse();
        assertThat(acl.permits(BOB, null, "a", "publish")).isFalse();
        assertThat(acl.permits(BOB, "pubsub", null, "publish")).isFalse();
        assertThat(acl.permitsAll(BOB, "pubsub", "a", null)).isFalse();
    }

    @Test
    void liveReconfigurationReplacesRulesAndCachedTables() {
        AclAuthorizer acl = acl("rule.1", "allow * pubsub publish orders.>");
        assertThat(acl.permits(BOB, "pubsub", "orders.new", "publish")).isTrue(); // fills the cache
        acl.update(16, Map.of("rule.1", "deny user:bob pubsub publish orders.>",
                "rule.2", "allow * pubsub publish orders.>"));
        assertThat(acl.permits(BOB, "pubsub", "orders.new", "publish")).isFalse();
        assertThat(acl.permits(ALICE, "pubsub", "orders.new", "publish")).isTrue();
        acl.update(16, Map.of());
        assertThat(acl.usingDefaults()).isTrue();
        assertThat(acl.permits(BOB, "pubsub", "orders.new", "publish")).isTrue();
    }

    @Test
    void aFullCacheIsEmptiedNotGrownAndAnswersStayRight() {
        Map<String, Object> properties = Map.of("rule.1", "allow role:ops pubsub publish >");
        for (int size : new int[] {0, 1, 2}) {
            AclAuthorizer acl = new AclAuthorizer(size, properties);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 5; i++) {
                    AuthenticatedUser ops = new AuthenticatedUser("u" + i, Set.of("ops"), "PLAIN");
                    AuthenticatedUser guest = new AuthenticatedUser("g" + i, Set.of(), "PLAIN");
                    assertThat(acl.permits(ops, "pubsub", "a.b", "publish")).isTrue();
                    assertThat(acl.permits(guest, "pubsub", "a.b", "publish")).isFalse();
                }
            }
        }
    }

    @Test
    void isAnAuthorizer() {
        Authorizer authorizer = acl();
        assertThat(authorizer.permits(ADMIN, Authorizer.PUBSUB, "$sys.x", "subscribe")).isTrue();
        assertThat(authorizer.permits(BOB, Authorizer.MESSAGES, "orders.create", "send")).isTrue();
    }
}
