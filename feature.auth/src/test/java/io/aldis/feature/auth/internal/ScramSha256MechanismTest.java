package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.scram.ScramClient;
import io.aldis.protocol.api.scram.ScramException;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramSha256MechanismTest {
    @TempDir
    Path dir;

    private CredentialStore store;
    private ScramSha256Mechanism mechanism;

    @BeforeEach
    void setUp() {
        store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add("alice", "pencil".toCharArray(), Set.of("ops"));
        mechanism = new ScramSha256Mechanism(store);
    }

    private static AuthStep step(AuthenticationExchange exchange, byte[] message) {
        return exchange.step(message).toCompletableFuture().join();
    }

    private static AuthStep step(AuthenticationExchange exchange, String message) {
        return step(exchange, message.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] challenge(AuthStep step) {
        assertThat(step).isInstanceOf(AuthStep.Challenge.class);
        return ((AuthStep.Challenge) step).data();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void correctPasswordSucceedsAndTheClientVerifiesTheServer() throws ScramException {
        ScramClient client = new ScramClient("alice", "pencil".toCharArray());
        AuthenticationExchange exchange = mechanism.start(TestConnection.remote(false));
        byte[] serverFirst = challenge(step(exchange, client.clientFirstMessage()));
        AuthStep result = step(exchange, client.clientFinalMessage(serverFirst));
        assertThat(result).isInstanceOf(AuthStep.Success.class);
        AuthStep.Success success = (AuthStep.Success) result;
        assertThat(success.user().name()).isEqualTo("alice");
        assertThat(success.user().roles()).containsExactly("ops");
        assertThat(success.user().mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(text(success.data())).startsWith("v=");
        client.verifyServerFinal(success.data());
        // Nothing more is accepted once the exchange is over.
        assertThat(step(exchange, "c=biws")).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void wrongPasswordFails() throws ScramException {
        AuthStep result = run("alice", "pencil!");
        assertThat(result).isInstanceOf(AuthStep.Failure.class);
        assertThat(((AuthStep.Failure) result).user()).isEqualTo("alice");
    }

    @Test
    void unknownUserFailsTheSameWayWithAStableLookalikeChallenge() throws ScramException {
        AuthStep.Failure unknown = (AuthStep.Failure) run("mallory", "pencil");
        AuthStep.Failure wrong = (AuthStep.Failure) run("alice", "wrong");
        assertThat(unknown.user()).isEqualTo("mallory");
        assertThat(unknown.reason()).isEqualTo(wrong.reason());

        String real = serverFirstFor("alice");
        String fake1 = serverFirstFor("mallory");
        String fake2 = serverFirstFor("mallory");
        String shape = "r=[^,]+,s=[A-Za-z0-9+/]{22}==,i=4096";
        assertThat(real).matches(shape);
        assertThat(fake1).matches(shape);
        assertThat(salt(fake1)).isEqualTo(salt(fake2)).isNotEqualTo(salt(serverFirstFor("trudy")));
        assertThat(salt(real)).isEqualTo(salt(serverFirstFor("alice")));
        assertThat(fake1).hasSameSizeAs(real);
    }

    @Test
    void clientFinalReplayedFromAnotherExchangeFails() throws ScramException {
        ScramClient client = new ScramClient("alice", "pencil".toCharArray(), "fixedclientnonce");
        AuthenticationExchange first = mechanism.start(TestConnection.remote(false));
        byte[] clientFinal = client.clientFinalMessage(challenge(step(first, client.clientFirstMessage())));
        assertThat(step(first, clientFinal)).isInstanceOf(AuthStep.Success.class);

        // An eavesdropper replays both messages on a new connection: the server nonce differs.
        AuthenticationExchange second = mechanism.start(TestConnection.remote(false));
        byte[] serverFirst = challenge(step(second, "n,,n=alice,r=fixedclientnonce"));
        assertThat(text(serverFirst)).doesNotContain(text(clientFinal).split(",")[1].substring(2));
        assertThat(step(second, clientFinal)).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void removedUserBetweenStepsFails() throws ScramException {
        ScramClient client = new ScramClient("alice", "pencil".toCharArray());
        AuthenticationExchange exchange = mechanism.start(TestConnection.remote(false));
        byte[] serverFirst = challenge(step(exchange, client.clientFirstMessage()));
        store.remove("alice");
        assertThat(step(exchange, client.clientFinalMessage(serverFirst))).isInstanceOf(AuthStep.Failure.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "n,,",
        "garbage",
        "p=tls-server-end-point,,n=alice,r=abc", // channel binding requested
        "x,,n=alice,r=abc",
        "n,a=bob,n=alice,r=abc", // authzid differs
        "n,,r=abc,n=alice", // wrong order
        "n,,n=alice", // no nonce
        "n,,n=alice,r=a b", // invalid nonce
        "n,,n=al=ice,r=abc", // bad escape
        "n,,m=ext,n=alice,r=abc",
        "n,,n=,r=abc",
    })
    void malformedClientFirstFails(String message) {
        assertThat(step(mechanism.start(TestConnection.remote(false)), message)).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void channelBindingRequestReportsTheUser() {
        AuthStep step = step(mechanism.start(TestConnection.remote(false)), "p=tls-unique,,n=alice,r=abc");
        assertThat(((AuthStep.Failure) step).user()).isEqualTo("alice");
    }

    @Test
    void matchingAuthzidIsAccepted() {
        challenge(step(mechanism.start(TestConnection.remote(false)), "y,a=alice,n=alice,r=abc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "c=biws",
        "c=biws,r=NONCE",
        "c=biws,r=NONCE,p=***",
        "c=biws,r=NONCE,p=AAAA",
        "c=eSws,r=NONCE,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", // binding says y,, but header was n,,
        "r=NONCE,c=biws,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "c=biws,r=OTHER,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "c=biws,r=NONCE,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", // wrong proof
        "c=biws,r=NONCE,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,x=1", // proof not last
    })
    void malformedClientFinalFails(String template) {
        AuthenticationExchange exchange = mechanism.start(TestConnection.remote(false));
        String serverFirst = text(challenge(step(exchange, "n,,n=alice,r=abc")));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        assertThat(step(exchange, template.replace("NONCE", nonce))).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void invalidUtf8Fails() {
        assertThat(step(mechanism.start(TestConnection.remote(false)), new byte[] {(byte) 0xc3, (byte) 0x28}))
                .isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void firstStartAdminPasswordWorksThroughScram() throws Exception {
        Path file = dir.resolve("node").resolve("aldis-users.properties");
        CredentialStore fresh = new CredentialStore(file, 4096, true);
        char[] password = Files.readString(file.resolveSibling(CredentialStore.ADMIN_PASSWORD_FILE)).trim().toCharArray();
        ScramSha256Mechanism freshMechanism = new ScramSha256Mechanism(fresh);
        ScramClient client = new ScramClient("admin", password);
        AuthenticationExchange exchange = freshMechanism.start(TestConnection.local());
        AuthStep result = step(exchange, client.clientFinalMessage(challenge(step(exchange, client.clientFirstMessage()))));
        assertThat(result).isInstanceOf(AuthStep.Success.class);
        assertThat(((AuthStep.Success) result).user().roles()).containsExactly("admin");
        client.verifyServerFinal(((AuthStep.Success) result).data());
    }

    @Test
    void clientRejectsAForgedServerFinal() throws ScramException {
        ScramClient client = new ScramClient("alice", "pencil".toCharArray());
        AuthenticationExchange exchange = mechanism.start(TestConnection.remote(false));
        client.clientFinalMessage(challenge(step(exchange, client.clientFirstMessage())));
        assertThatThrownBy(() -> client.verifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ScramException.class);
    }

    private AuthStep run(String user, String password) throws ScramException {
        ScramClient client = new ScramClient(user, password.toCharArray());
        AuthenticationExchange exchange = mechanism.start(TestConnection.remote(false));
        byte[] serverFirst = challenge(step(exchange, client.clientFirstMessage()));
        return step(exchange, client.clientFinalMessage(serverFirst));
    }

    private String serverFirstFor(String user) {
        return text(challenge(step(mechanism.start(TestConnection.remote(false)), "n,,n=" + user + ",r=clientnonce")));
    }

    private static String salt(String serverFirst) {
        return serverFirst.split(",")[1];
    }
}
