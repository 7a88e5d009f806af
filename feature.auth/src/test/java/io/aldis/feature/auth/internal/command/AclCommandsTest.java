package io.aldis.feature.auth.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsRulesInEvaluationOrderAndWhatWasSkipped() {
        AclListCommand list = new AclListCommand();
        list.authorizer = new AclAuthorizer(8, Map.of(
                "rule.100", "deny * pubsub publish orders.secret",
                "rule.20", "allow role:ops rpc call,provide calculator.*",
                "rule.30", "allow nobody pubsub publish x"));
        list.execute();
        String shown = printed();
        assertThat(shown).contains("Rule").contains("Effect").contains("Principal").contains("Pattern");
        assertThat(shown).containsPattern("rule\\.20\\s+\\|\\s+allow\\s+\\|\\s+role:ops\\s+\\|\\s+rpc\\s+\\|\\s+"
                + "call,provide\\s+\\|\\s+calculator\\.\\*");
        assertThat(shown.indexOf("rule.20")).isLessThan(shown.indexOf("rule.100"));
        assertThat(shown).doesNotContain("Built-in defaults").contains("Anything no rule matches is denied.");
        assertThat(shown).contains("Skipped rule.30: principal must be");
    }

    @Test
    void listSaysWhenTheDefaultsAreInForce() {
        AclListCommand list = new AclListCommand();
        list.authorizer = new AclAuthorizer(8, Map.of());
        list.execute();
        assertThat(printed()).contains("rule.50").contains("$sys.>").contains("Built-in defaults");
    }

    private AclCheckCommand check(AclAuthorizer acl, CredentialStore store, String who, String domain, String action,
            String resource, String... roles) {
        AclCheckCommand check = new AclCheckCommand();
        check.authorizer = acl;
        check.store = store;
        check.who = who;
        check.domain = domain;
        check.action = action;
        check.resource = resource;
        check.roles = roles.length == 0 ? null : List.of(roles);
        return check;
    }

    @Test
    void checkNotesAUserTheStoreDoesNotKnow() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        AclAuthorizer acl = new AclAuthorizer(8, Map.of("rule.1", "allow role:ops pubsub publish orders.>"));
        check(acl, store, "ops", "pubsub", "publish", "orders.new").execute();
        assertThat(printed().lines()).containsExactly(
                "Note: ops is not in the credential store (aldis:user-list); only rules for user:ops and * apply. "
                        + "Use role:NAME to check a role, or -r to give the user roles.",
                "denied: user ops publish pubsub orders.new (no rule matches)");
    }

    @Test
    void checkNamesTheDecidingRule() {
        AclAuthorizer acl = new AclAuthorizer(8, Map.of());
        check(acl, null, "bob", "pubsub", "publish", "orders.new").execute();
        check(acl, null, "bob", "pubsub", "subscribe", "$sys.sessions.opened").execute();
        check(acl, null, "role:admin", "pubsub", "subscribe", "$sys.sessions.opened").execute();
        check(acl, null, "user:carol", "pubsub", "subscribe", "$sys.x", "admin").execute();
        assertThat(printed().lines()).containsExactly(
                "allowed: user bob publish pubsub orders.new by rule.30 = allow * pubsub publish,subscribe >",
                "denied: user bob subscribe pubsub $sys.sessions.opened (no rule matches)",
                "allowed: roles admin subscribe pubsub $sys.sessions.opened by rule.20 = allow role:admin pubsub * $sys.>",
                "allowed: user carol (roles admin) subscribe pubsub $sys.x by rule.20 = allow role:admin pubsub * $sys.>");
    }

    @Test
    void checkJudgesMessageTypes() {
        AclAuthorizer defaults = new AclAuthorizer(8, Map.of());
        check(defaults, null, "bob", "messages", "send", "orders.create").execute();
        check(defaults, null, "bob", "messages", "send", "$sys.ping").execute();
        AclAuthorizer acl = new AclAuthorizer(8, Map.of("rule.1", "allow role:ops messages send billing.*"));
        check(acl, null, "role:ops", "messages", "send", "billing.charge").execute();
        check(acl, null, "bob", "messages", "send", "billing.charge").execute();
        assertThat(printed().lines()).containsExactly(
                "allowed: user bob send messages orders.create by rule.60 = allow * messages send >",
                "denied: user bob send messages $sys.ping (no rule matches)",
                "allowed: roles ops send messages billing.charge by rule.1 = allow role:ops messages send billing.*",
                "denied: user bob send messages billing.charge (no rule matches)");
    }

    @Test
    void checkTakesTheRolesOfAStoredUserAndJudgesWildcardSubjectsAsPatterns() {
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add("dora", "pw".toCharArray(), Set.of("ops"));
        AclAuthorizer acl = new AclAuthorizer(8, Map.of(
                "rule.1", "deny * pubsub subscribe orders.secret",
                "rule.2", "allow role:ops pubsub subscribe orders.>"));
        check(acl, store, "dora", "pubsub", "subscribe", "orders.new").execute();
        check(acl, store, "dora", "pubsub", "subscribe", "orders.*").execute();
        check(acl, store, "dora", "pubsub", "subscribe", "orders.new.>").execute();
        assertThatThrownBy(() -> check(acl, store, "dora", "mqtt", "subscribe", "x").execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown domain mqtt: it must be pubsub, rpc, messages or files.");
        assertThatThrownBy(() -> check(acl, store, "dora", "pubsub", "publsh", "x").execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown action publsh in domain pubsub: it must be publish, subscribe or block.");
        assertThat(printed().lines()).containsExactly(
                "allowed: user dora (roles ops) subscribe pubsub orders.new by rule.2 = allow role:ops pubsub subscribe orders.>",
                "not allowed on every matching subject: user dora (roles ops) subscribe pubsub orders.* "
                        + "(each subject is then checked on its own)",
                "allowed: user dora (roles ops) subscribe pubsub orders.new.> (every matching subject)");
    }
}
