package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.RpcCallException;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.StoredUser;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.TestFiles;
import io.aldis.protocol.api.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a node ({@link ChildNode}) while a client streams, uploads, and the users
 * change without pause, then the node started again over the same storage and users file:
 *
 * <ul>
 *   <li>every change of users the node had made is there after the restart, the users file holds
 *       nothing half written, and the users log in with the passwords they had;
 *   <li>the streamed call fails with {@code CONNECTION_INTERRUPTED} once the client is back on the
 *       new node (which forgot its sessions), having delivered its items once each, in order;
 *   <li>a file published before the kill is intact, the upload in flight shows under no final name
 *       and goes on from its checkpoint.
 * </ul>
 */
class NodeKilledTest {
    private static final int CHUNK = 256 * 1024;
    private static final long PATIENCE_SECONDS = 60;

    @TempDir
    Path dir;

    private Process node;
    private final List<AldisClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AldisClient c : clients) {
            c.close();
        }
        if (node != null) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private AldisClient client(int port, String user, String password) throws Exception {
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", port)
                .credentials(user, password.toCharArray())
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 400))
                .build();
        clients.add(client);
        client.connect().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void usersStreamsAndFilesComeThroughAKillOfTheNode() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path usersFile = dir.resolve("etc").resolve("aldis-users.properties");
        // Each chunk of an upload takes 50 ms to store: the upload below needs 16 s more once it is past
        // chunk 80, far more than the test takes to kill the node from there.
        ChildNode.Started first = ChildNode.start(storage, 0, Duration.ofMillis(50), usersFile);
        node = first.process();
        AldisClient alice = client(first.port(), ChildNode.USER, NodeFixture.PASSWORD);
        TransferOptions options = TransferOptions.defaults().withChunkSize(CHUNK)
                .withCheckpointDirectory(Files.createDirectories(dir.resolve("checkpoints")));

        Path kept = TestFiles.random(dir.resolve("kept.bin"), 3L * CHUNK + 99, 7);
        assertThat(alice.upload(kept, "kept.bin", options).result().get(PATIENCE_SECONDS, TimeUnit.SECONDS).size())
                .isEqualTo(Files.size(kept));
        Path big = TestFiles.random(dir.resolve("big.bin"), 400L * CHUNK + 5, 8);
        CountDownLatch uploading = new CountDownLatch(1);
        Transfer upload = alice.upload(big, "big.bin", options.withProgressInterval(Duration.ZERO).withProgress(p -> {
            if (p.bytesDone() >= 80L * CHUNK) {
                uploading.countDown();
            }
        }));
        // The stream never ends; its reader asks for 2 000 items and leaves the rest waiting at the node.
        StreamClientTest.Collector<Integer> stream = new StreamClientTest.Collector<>(0);
        alice.<Integer>callStream("streams.count", new Object[] {Integer.MAX_VALUE}, Integer.class,
                CallOptions.timeout(Duration.ofMinutes(5))).subscribe(stream);
        stream.request(2_000);
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            streamed.add(stream.next());
        }
        first.command(ChildNode.CHURN_USERS);
        List<ChildNode.UserChange> changes = readChanges(first, 100);
        assertThat(uploading.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("the upload got going").isTrue();
        assertThat(upload.result()).as("the upload is still in flight").isNotDone();

        first.kill();
        changes.addAll(readRest(first));
        Path area = storage.resolve(ChildNode.USER);
        assertThat(area.resolve("big.bin")).as("no partial file under the final name").doesNotExist();
        assertUsersFileWhole(usersFile);

        ChildNode.Started second = ChildNode.start(storage, first.port(), Duration.ZERO, usersFile);
        node = second.process();
        assertNothingLeftBeside(usersFile);

        // The change the node was making when it died may or may not be in the file: leave out the users it
        // may touch (the last one added, and the one removed after it), and check every other one.
        TreeMap<String, Expected> expected = expectedUsers(changes);
        int last = changes.stream().filter(c -> c.kind().equals("add")).mapToInt(c -> Integer.parseInt(c.user().substring(1)))
                .max().orElseThrow();
        expected.keySet().removeAll(Set.of("u" + last, "u" + (last - 3)));
        CredentialStore reread = new CredentialStore(usersFile, 4096, false);
        Map<String, Set<String>> roles = new TreeMap<>();
        for (StoredUser u : reread.list()) {
            roles.put(u.name(), u.roles());
        }
        assertThat(expected).as("users that outlive the churn").hasSizeGreaterThanOrEqualTo(5);
        expected.forEach((name, user) -> assertThat(roles.get(name)).as("roles of " + name + " after the restart")
                .isEqualTo(Set.of(user.roles().split(","))));
        assertThat(changes.stream().filter(c -> c.kind().equals("remove")).map(ChildNode.UserChange::user))
                .as("removed users stay removed").noneMatch(roles::containsKey);
        for (String name : List.of(expected.firstKey(), expected.lastKey())) {
            client(second.port(), name, expected.get(name).password()).close();
        }

        ExecutionException interrupted = assertThrows(ExecutionException.class,
                () -> stream.done.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertThat(interrupted.getCause()).isInstanceOf(RpcCallException.class);
        assertThat(((RpcCallException) interrupted.getCause()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        streamed.addAll(stream.arrived);
        assertThat(streamed).as("items once each, in order, up to the kill")
                .isEqualTo(IntStream.range(0, streamed.size()).boxed().toList());

        TransferResult result = upload.result().get(PATIENCE_SECONDS * 2, TimeUnit.SECONDS);
        assertThat(result.resumed()).as("the upload went on from its checkpoint").isTrue();
        assertThat(TestFiles.sha256Hex(area.resolve("big.bin"))).isEqualTo(TestFiles.sha256Hex(big));
        assertThat(TestFiles.sha256Hex(area.resolve("kept.bin"))).as("the file published before the kill")
                .isEqualTo(TestFiles.sha256Hex(kept));
    }

    /** Reads {@code count} changes the node reports. */
    private static List<ChildNode.UserChange> readChanges(ChildNode.Started started, int count) throws IOException {
        List<ChildNode.UserChange> changes = new ArrayList<>();
        while (changes.size() < count) {
            String line = started.out().readLine();
            assertThat(line).as("the node reports its changes of users").isNotNull();
            if (line.startsWith(ChildNode.COMMITTED)) {
                changes.add(ChildNode.UserChange.parse(line));
            }
        }
        return changes;
    }

    /** The changes the killed node reported before it died; a line it was writing when killed is ignored. */
    private static List<ChildNode.UserChange> readRest(ChildNode.Started started) throws IOException {
        List<ChildNode.UserChange> changes = new ArrayList<>();
        for (String line; (line = started.out().readLine()) != null;) {
            if (line.startsWith(ChildNode.COMMITTED)) {
                try {
                    changes.add(ChildNode.UserChange.parse(line));
                } catch (RuntimeException cutShort) {
                    // the last line, cut by the kill
                }
            }
        }
        return changes;
    }

    /** A user as the reported changes left it. */
    private record Expected(String password, String roles) {
    }

    /** Each user the reported changes leave, with the password and roles they set last. */
    private static TreeMap<String, Expected> expectedUsers(List<ChildNode.UserChange> changes) {
        Map<String, String> passwords = new TreeMap<>();
        Map<String, String> roles = new TreeMap<>();
        for (ChildNode.UserChange c : changes) {
            switch (c.kind()) {
                case "add" -> {
                    passwords.put(c.user(), c.password());
                    roles.put(c.user(), c.roles());
                }
                case "roles" -> roles.put(c.user(), c.roles());
                case "passwd" -> passwords.put(c.user(), c.password());
                default -> {
                    passwords.remove(c.user());
                    roles.remove(c.user());
                }
            }
        }
        TreeMap<String, Expected> users = new TreeMap<>();
        passwords.forEach((user, password) -> users.put(user, new Expected(password, roles.get(user))));
        return users;
    }

    /** Every line of the users file is a comment or a whole entry. */
    private static void assertUsersFileWhole(Path usersFile) throws IOException {
        for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                assertThat(line.split(";", -1)).as("a whole entry: " + line).hasSize(5);
            }
        }
    }

    /** Once the node runs again, no temporary file of a write the kill cut short is left beside the users file. */
    private static void assertNothingLeftBeside(Path usersFile) throws IOException {
        try (Stream<Path> beside = Files.list(usersFile.getParent())) {
            assertThat(beside.map(p -> p.getFileName().toString()))
                    .as("the folder of the users file")
                    .allMatch(name -> name.equals(usersFile.getFileName().toString())
                            || name.equals(CredentialStore.SECRET_FILE));
        }
    }
}
