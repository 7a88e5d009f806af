package io.aldis.itest.karaf;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The Java client against the node inside the distribution: the users an operator manages,
 * the generated admin password, PLAIN against the Karaf JAAS realm, and the session commands.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeSessionsIT extends AldisKarafTestSupport {

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitService(SessionRegistry.class, "", WAIT);
        awaitListener(DEFAULT_PORT);
    }

    /**
     * docs/protocol.md 4.4: SCRAM-SHA-256 is preferred over PLAIN, which a SCRAM-only user cannot
     * use; in the distribution both are registered, and the order comes from their rankings.
     */
    @Test
    public void scramIsOfferedBeforePlain() throws Exception {
        awaitListener(7441);
        try (FrameClient link = openWebSocket(7441, "/aldis")) {
            link.send(new Connect(ProtocolVersion.V1, Capability.RESUME_TOKEN.mask(), UUID.randomUUID(), "", "order"));
            ConnectAck ack = link.await(FrameType.CONNECT_ACK);
            assertEquals(List.of("SCRAM-SHA-256", "PLAIN"), ack.mechanisms());
        }
    }

    @Test
    public void userAddedInTheShellConnectsWithScram() throws Exception {
        executeCommand("aldis:user-add -p alice-Pa55word alice");
        assertTrue(executeCommand("aldis:user-list").contains("alice"));

        AldisClient client = connect("alice", "alice-Pa55word", "SCRAM-SHA-256").get(10, SECONDS);
        try {
            SessionInfo session = client.session();
            assertEquals("alice", session.user());
            assertNotNull(session.sessionId());
            assertFalse("capabilities of the node", session.capabilities().isEmpty());
            assertEquals(ClientState.CONNECTED, client.state());
        } finally {
            client.close().get(10, SECONDS);
        }
        assertEquals(ClientState.CLOSED, client.state());
    }

    @Test
    public void wrongPasswordIsRefused() throws Exception {
        executeCommand("aldis:user-add -p bob-Pa55word bob");
        try {
            AldisClient client = connect("bob", "not-bobs-password", "SCRAM-SHA-256").get(30, SECONDS);
            client.close().get(10, SECONDS);
            fail("a wrong password was accepted");
        } catch (ExecutionException expected) {
            // the node answered with an authentication error
        }
    }

    @Test
    public void generatedAdminPasswordWorks() throws Exception {
        Path file = karafEtc().resolve("aldis-admin.password");
        assertTrue("the first start writes " + file, Files.isRegularFile(file));
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        assertTrue("a password of some length", password.length() >= 16);

        AldisClient client = connect("admin", password, "SCRAM-SHA-256").get(10, SECONDS);
        try {
            assertEquals("admin", client.session().user());
        } finally {
            client.close().get(10, SECONDS);
        }
    }

    @Test
    public void plainAuthenticatesAgainstTheKarafRealm() throws Exception {
        AldisClient client = connect(JAAS_USER, JAAS_PASSWORD, "PLAIN").get(10, SECONDS);
        try {
            assertEquals(JAAS_USER, client.session().user());
        } finally {
            client.close().get(10, SECONDS);
        }
    }

    @Test
    public void sessionListShowsTheSessionAndSessionKillDisconnectsIt() throws Exception {
        executeCommand("aldis:user-add -p carol-Pa55word carol");
        CompletableFuture<DisconnectReason> disconnected = new CompletableFuture<>();
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", DEFAULT_PORT)
                .credentials("carol", "carol-Pa55word".toCharArray())
                .mechanism("SCRAM-SHA-256")
                .reconnect(ReconnectPolicy.none())
                .listener(new ConnectionListener() {
                    @Override
                    public void disconnected(DisconnectReason reason) {
                        disconnected.complete(reason);
                    }
                })
                .build()
                .connect()
                .get(10, SECONDS);
        try {
            String id = client.session().sessionId().toString();
            String list = executeCommand("aldis:session-list");
            String row = list.lines().filter(line -> line.contains(id)).findFirst().orElse(null);
            assertNotNull("session-list shows session " + id + ":\n" + list, row);
            assertTrue("session-list shows the user:\n" + row, row.contains("carol"));

            executeCommand("aldis:session-kill " + id);
            assertNotNull("the client is told it was disconnected", disconnected.get(10, SECONDS));
            await("client no longer connected", WAIT, () -> client.state() != ClientState.CONNECTED);
            // A killed session stays listed, as CLOSED, until every feature has let it go.
            await("session-list drops the killed session", WAIT,
                    () -> !executeCommand("aldis:session-list").contains(id));
        } finally {
            client.close().exceptionally(e -> null).get(10, SECONDS);
        }
    }

    @Test
    public void aPasswordChangeInTheShellRevokesTheUsersResumeTokens() throws Exception {
        executeCommand("aldis:user-add -p dave-Pa55word dave");
        CompletableFuture<SessionInfo> resumed = new CompletableFuture<>();
        CompletableFuture<AldisException> gaveUp = new CompletableFuture<>();
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", DEFAULT_PORT)
                .credentials("dave", "dave-Pa55word".toCharArray())
                .mechanism("SCRAM-SHA-256")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(100), 3))
                .listener(new ConnectionListener() {
                    @Override
                    public void reconnected(SessionInfo session) {
                        resumed.complete(session);
                    }

                    @Override
                    public void reconnectFailed(AldisException cause) {
                        gaveUp.complete(cause);
                    }
                })
                .build()
                .connect()
                .get(10, SECONDS);
        try {
            assertTrue("the node issued a resume token", client.resumeToken().isPresent());
            executeCommand("aldis:user-passwd -p dave-N3w-Pa55word dave");
            // Killed without --revoke: only the password change can have revoked the token, so the
            // client's reconnect falls back to SCRAM with the old password, which fails.
            executeCommand("aldis:session-kill " + client.session().sessionId());
            AldisException cause = gaveUp.get(30, SECONDS);
            assertEquals(ErrorCode.AUTH_FAILED, ((AldisException) cause.getCause()).code());
            assertFalse("resumed with a token of the old password", resumed.isDone());
        } finally {
            client.close().exceptionally(e -> null).get(10, SECONDS);
        }
    }

    private static CompletableFuture<AldisClient> connect(String user, String password, String mechanism) {
        return AldisClient.builder()
                .address("127.0.0.1", DEFAULT_PORT)
                .credentials(user, password.toCharArray())
                .mechanism(mechanism)
                .reconnect(ReconnectPolicy.none())
                .build()
                .connect();
    }
}
