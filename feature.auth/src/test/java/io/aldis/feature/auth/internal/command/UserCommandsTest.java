package io.aldis.feature.auth.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.protocol.api.scram.ScramCredentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandsTest {
    @TempDir
    Path dir;

    private CredentialStore store;
    private final Deque<String> typed = new ArrayDeque<>();
    private final List<Character> masks = new ArrayList<>();
    private Session session;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void setUp() {
        store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        // Only readLine is used by the commands; any other call is a test failure.
        session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("readLine")) {
                        masks.add((Character) args[1]);
                        return typed.poll();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
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

    private UserAddCommand add(String user, String password, String... roles) {
        UserAddCommand command = new UserAddCommand();
        command.store = store;
        command.session = session;
        command.user = user;
        command.password = password;
        command.roles = roles.length == 0 ? null : List.of(roles);
        return command;
    }

    @Test
    void addWithOptionsThenList() throws Exception {
        add("alice", "alice-secret", "ops", "admin").execute();
        assertThat(store.find("alice").orElseThrow().roles()).containsExactlyInAnyOrder("ops", "admin");
        UserListCommand list = new UserListCommand();
        list.store = store;
        list.execute();
        String shown = out.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("User").contains("Roles").contains("Iterations");
        assertThat(shown).containsPattern("alice\\s+\\|\\s+admin,ops\\s+\\|\\s+4096");
        assertThat(masks).isEmpty();
    }

    @Test
    void listWithNoFormatPrintsBareTabSeparatedRowsForScripts() throws Exception {
        add("alice", "alice-secret", "ops", "admin").execute();
        UserListCommand list = new UserListCommand();
        list.store = store;
        list.noFormat = true;
        out.reset();
        list.execute();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).split("\t")).extracting(String::strip).containsExactly("alice", "admin,ops", "4096");
    }

    @Test
    void addPromptsWithEchoOffWhenNoPasswordIsGiven() throws Exception {
        typed.add("typed-secret");
        typed.add("typed-secret");
        add("bob", null).execute();
        assertThat(masks).containsExactly('*', '*');
        ScramCredentials creds = store.find("bob").orElseThrow().credentials();
        assertThat(creds).isEqualTo(ScramCredentials.derive("typed-secret".toCharArray(), creds.salt(), 4096));
    }

    @Test
    void addRefusesMismatchedPromptsAndExistingUsers() throws Exception {
        typed.add("first-secret");
        typed.add("other-secret");
        assertThatThrownBy(() -> add("bob", null).execute()).hasMessageContaining("do not match");
        assertThat(store.find("bob")).isEmpty();

        add("carol", "carol-secret").execute();
        assertThatThrownBy(() -> add("carol", "another-secret").execute()).hasMessageContaining("already exists");
        ScramCredentials creds = store.find("carol").orElseThrow().credentials();
        assertThat(creds).isEqualTo(ScramCredentials.derive("carol-secret".toCharArray(), creds.salt(), 4096));
    }

    @Test
    void passwdChangesTheKeysAndRemoveDeletes() throws Exception {
        store.add("dave", "old".toCharArray(), Set.of("r"));
        UserPasswdCommand passwd = new UserPasswdCommand();
        passwd.store = store;
        passwd.session = session;
        passwd.user = "dave";
        passwd.password = "new-secret";
        passwd.execute();
        ScramCredentials creds = store.find("dave").orElseThrow().credentials();
        assertThat(creds).isEqualTo(ScramCredentials.derive("new-secret".toCharArray(), creds.salt(), 4096));

        passwd.user = "nobody";
        assertThatThrownBy(passwd::execute).hasMessageContaining("No user nobody");

        UserRemoveCommand remove = new UserRemoveCommand();
        remove.store = store;
        remove.user = "dave";
        remove.execute();
        assertThat(store.find("dave")).isEmpty();
        assertThatThrownBy(remove::execute).hasMessageContaining("No user dave");
    }

    @Test
    void passwordsShorterThanThePolicyAreRefusedAndTheMinimumIsConfigurable() throws Exception {
        assertThat(store.minPasswordLength()).isEqualTo(CredentialStore.DEFAULT_MIN_PASSWORD_LENGTH);
        assertThatThrownBy(() -> add("gina", "short").execute())
                .hasMessage("The password is too short: at least 10 characters (password.minLength in io.aldis.auth).");
        assertThat(store.find("gina")).isEmpty();

        store.setMinPasswordLength(16);
        assertThatThrownBy(() -> add("gina", "fifteen-chars-x").execute()).hasMessageContaining("at least 16");
        add("gina", "sixteen-chars-xx").execute();
        UserPasswdCommand passwd = new UserPasswdCommand();
        passwd.store = store;
        passwd.session = session;
        passwd.user = "gina";
        passwd.password = "too-short";
        assertThatThrownBy(passwd::execute).hasMessageContaining("at least 16");
        ScramCredentials creds = store.find("gina").orElseThrow().credentials();
        assertThat(creds).isEqualTo(ScramCredentials.derive("sixteen-chars-xx".toCharArray(), creds.salt(), 4096));
        assertThatThrownBy(() -> store.setMinPasswordLength(0)).hasMessageContaining("password.minLength = 0");
    }

    @Test
    void addWarnsAboutRolesThatNoRuleNames() throws Exception {
        UserAddCommand command = add("hank", "hank-secret", "opps", "ops", "admin");
        command.authorizer = new AclAuthorizer(8, Map.of("rule.1", "allow role:ops pubsub publish orders.>"));
        command.execute();
        assertThat(store.find("hank").orElseThrow().roles()).containsExactlyInAnyOrder("opps", "ops", "admin");
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Warning:")))
                .containsExactly("Warning: no ACL rule names role opps (roles in rules: admin, ops); "
                        + "aldis:acl-list shows the rules.");
    }

    @Test
    void completerOffersUserNames() {
        store.add("erin", "pw".toCharArray(), Set.of());
        store.add("frank", "pw".toCharArray(), Set.of());
        UserNameCompleter completer = new UserNameCompleter();
        completer.store = store;
        List<String> candidates = new ArrayList<>();
        completer.complete(session, new SimpleLine("er"), candidates);
        assertThat(candidates).anyMatch(c -> c.trim().equals("erin")).noneMatch(c -> c.trim().equals("frank"));
    }
}
