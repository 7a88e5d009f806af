package io.aldis.itest.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.TestFiles;
import io.aldis.itest.support.TestCertificates;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line tool end to end: its runnable jar runs as a separate process against a real
 * node over TCP, as a user runs it. What it stores and fetches is byte for byte the file, its
 * exit codes are the documented ones, and a transfer stopped by Ctrl-C, or by killing the process,
 * goes on from its checkpoint when the same command runs again.
 *
 * <p>To stop a transfer mid-way without timing, the node's storage holds file data back after a
 * number of bytes ({@link HeldBackFileStore}); the test acts once a transfer is held there.
 */
@ExtendWith(LeakWatch.class)
class CliTest {
    private static final String ALICE = "alice";
    private static final long MIB = 1024 * 1024;
    private static final int EXIT_OK = 0;
    private static final int EXIT_AUTHENTICATION = 3;
    private static final int EXIT_UNREACHABLE = 4;
    private static final int EXIT_NOT_FOUND = 5;
    private static final int EXIT_REFUSED = 6;
    private static final int EXIT_INTERRUPTED = 130;

    @TempDir
    Path work;

    private NodeFixture node;
    private HeldBackFileStore storage;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").files()
                .fileStore(local -> storage = new HeldBackFileStore(local)).start();
    }

    @AfterEach
    void stop() throws Exception {
        storage.release();
        node.close();
    }

    @Test
    void uploadListDownloadAndRemove() throws Exception {
        Path source = randomFile("report.bin", 3 * MIB + 17);

        CliProcess upload = cli("upload", source.toString(), "docs/report.bin");
        assertThat(upload.exitCode()).as(upload.err()).isEqualTo(EXIT_OK);
        assertThat(upload.out()).contains("uploaded " + source + " to docs/report.bin: 3.0 MiB", "not resumed");
        // Not a terminal: no progress bar, and nothing else on standard error either.
        assertThat(upload.err()).isEmpty();
        assertThat(Files.mismatch(source, stored("docs/report.bin"))).isEqualTo(-1L);

        CliProcess ls = cli("ls", "docs/*");
        assertThat(ls.exitCode()).as(ls.err()).isEqualTo(EXIT_OK);
        assertThat(ls.out().lines()).hasSize(3);
        assertThat(ls.out().lines().toList().get(0)).containsSubsequence("SIZE", "MODIFIED", "NAME");
        assertThat(ls.out().lines().toList().get(1)).containsSubsequence(Long.toString(3 * MIB + 17), "docs/report.bin");
        assertThat(ls.out().lines().toList().get(2)).isEqualTo("1 file");

        Path back = work.resolve("back.bin");
        CliProcess download = cli("download", "docs/report.bin", back.toString());
        assertThat(download.exitCode()).as(download.err()).isEqualTo(EXIT_OK);
        assertThat(download.out()).contains("downloaded docs/report.bin to " + back, "not resumed");
        assertThat(Files.mismatch(source, back)).isEqualTo(-1L);

        CliProcess rm = cli("rm", "docs/report.bin");
        assertThat(rm.exitCode()).as(rm.err()).isEqualTo(EXIT_OK);
        assertThat(rm.out()).isEqualTo("removed docs/report.bin\n");
        assertThat(stored("docs/report.bin")).doesNotExist();

        CliProcess empty = cli("ls");
        assertThat(empty.exitCode()).as(empty.err()).isEqualTo(EXIT_OK);
        assertThat(empty.out()).endsWith("0 files\n");
    }

    @Test
    void aFileTheNodeDoesNotHaveIsNotFound() throws Exception {
        CliProcess download = cli("download", "missing.bin", work.resolve("missing.bin").toString());
        assertThat(download.exitCode()).isEqualTo(EXIT_NOT_FOUND);
        assertThat(download.err()).contains("FILE_NOT_FOUND_ON_SERVER -746").doesNotContain("Exception", "\tat ");
        assertThat(work.resolve("missing.bin")).doesNotExist();

        CliProcess rm = cli("rm", "missing.bin");
        assertThat(rm.exitCode()).isEqualTo(EXIT_NOT_FOUND);
        assertThat(rm.err()).contains("FILE_NOT_FOUND_ON_SERVER");
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() throws Exception {
        CliProcess ls = CliProcess.start(work, Map.of("ALDIS_PASSWORD", "not-" + NodeFixture.PASSWORD),
                "ls", "--node", "127.0.0.1:" + node.tcpPort(), "--user", ALICE);
        assertThat(ls.exitCode()).isEqualTo(EXIT_AUTHENTICATION);
        assertThat(ls.err()).contains("AUTH_FAILED -201").doesNotContain("Exception", "\tat ");
    }

    @Test
    void aNodeThatDoesNotListenIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliProcess ls = CliProcess.start(work, Map.of("ALDIS_PASSWORD", NodeFixture.PASSWORD),
                "ls", "--node", "127.0.0.1:" + closedPort, "--user", ALICE);
        assertThat(ls.exitCode()).isEqualTo(EXIT_UNREACHABLE);
        assertThat(ls.err()).contains("CONNECTION_FAILED").doesNotContain("Exception", "\tat ");
    }

    @Test
    void ctrlCWhileTheToolConnectsSaysTheTransferHadNotStarted() throws Exception {
        Path source = randomFile("never.bin", 1000);
        // A "node" that takes the connection and never answers: the tool waits in its handshake.
        try (ServerSocket silent = new ServerSocket(0)) {
            CliProcess upload = CliProcess.start(work, Map.of("ALDIS_PASSWORD", NodeFixture.PASSWORD),
                    "upload", "--node", "127.0.0.1:" + silent.getLocalPort(), "--user", ALICE, source.toString());
            try (var connection = silent.accept()) {
                upload.interrupt();
                assertThat(upload.exitCode()).as(upload.err()).isEqualTo(EXIT_INTERRUPTED);
            }
            assertThat(upload.err()).contains("interrupted before the upload of " + source + " started")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void whatTheAclForbidsIsRefused() throws Exception {
        node.authorizer(new Authorizer() {
            @Override
            public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
                return !(Authorizer.FILES.equals(domain) && action.equals("write"));
            }

            @Override
            public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
                return false;
            }
        });
        Path source = randomFile("secret.bin", 1000);
        CliProcess upload = cli("upload", source.toString());
        assertThat(upload.exitCode()).isEqualTo(EXIT_REFUSED);
        assertThat(upload.err()).contains("FORBIDDEN -210").doesNotContain("Exception", "\tat ");
        assertThat(stored("secret.bin")).doesNotExist();
    }

    @Test
    void overTlsWithTheNodesCertificateInATrustStoreAndTheUserFromTheEnvironment() throws Exception {
        try (NodeFixture tlsNode = NodeFixture.builder().user(ALICE, "user").files().tls().start()) {
            Path source = randomFile("over-tls.bin", 100_000);
            CliProcess upload = CliProcess.start(work, Map.of("ALDIS_PASSWORD", NodeFixture.PASSWORD,
                    "ALDIS_USER", ALICE, "ALDIS_TRUST_STORE_PASSWORD", TestCertificates.STORE_PASSWORD),
                    "upload", "--node", "127.0.0.1:" + tlsNode.tcpPort(),
                    "--trust-store", tlsNode.certificates().trustStore().toString(), source.toString());
            assertThat(upload.exitCode()).as(upload.err()).isEqualTo(EXIT_OK);
            assertThat(Files.mismatch(source, tlsNode.dir().resolve("files").resolve(ALICE).resolve("over-tls.bin")))
                    .isEqualTo(-1L);
        }
    }

    @Test
    void anUploadStoppedByCtrlCGoesOnWhenTheSameCommandRunsAgain() throws Exception {
        Path source = randomFile("big.iso", 32 * MIB + 5);
        Path checkpoints = work.resolve("checkpoints");
        String[] command = {"upload", "--checkpoints", checkpoints.toString(), source.toString(), "iso/big.iso"};
        storage.holdAfter(8 * MIB);

        CliProcess first = cli(command);
        assertThat(storage.awaitHeld(60, TimeUnit.SECONDS)).as("the upload reached the node").isTrue();
        first.interrupt();
        assertThat(first.exitCode()).as(first.err()).isEqualTo(EXIT_INTERRUPTED);
        assertThat(first.err()).contains("interrupted: upload of " + source + " stopped at its checkpoint");
        assertThat(first.out()).isEmpty();
        assertThat(list(checkpoints)).as("the upload's checkpoint").isNotEmpty();
        assertThat(stored("iso/big.iso")).doesNotExist();

        storage.release();
        CliProcess again = cli(command);
        assertThat(again.exitCode()).as(again.err()).isEqualTo(EXIT_OK);
        assertThat(again.out()).contains("uploaded " + source + " to iso/big.iso: 32.0 MiB", ", resumed,")
                .as("the part this run moved, and the rate over it").containsPattern("32\\.0 MiB, [0-9.]+ MiB of it in ");
        assertThat(Files.mismatch(source, stored("iso/big.iso"))).isEqualTo(-1L);
        assertThat(list(checkpoints)).as("checkpoints left behind").isEmpty();
    }

    @Test
    void aDownloadStoppedByCtrlCGoesOnWhenTheSameCommandRunsAgain() throws Exception {
        Path source = uploadedInProcess("video.bin", 32 * MIB + 11);
        Path target = work.resolve("video.bin");
        storage.holdAfter(8 * MIB);

        CliProcess first = cli("download", "video.bin", target.toString());
        assertThat(storage.awaitHeld(60, TimeUnit.SECONDS)).as("the download is under way").isTrue();
        first.interrupt();
        assertThat(first.exitCode()).as(first.err()).isEqualTo(EXIT_INTERRUPTED);
        assertThat(first.err()).contains("interrupted: download of video.bin stopped at its checkpoint");
        assertThat(target).doesNotExist();
        assertThat(work.resolve("video.bin.aldis-part")).exists();
        assertThat(work.resolve("video.bin.aldis-checkpoint")).exists();

        storage.release();
        CliProcess again = cli("download", "video.bin", target.toString());
        assertThat(again.exitCode()).as(again.err()).isEqualTo(EXIT_OK);
        assertThat(again.out()).contains("downloaded video.bin to " + target, ", resumed,")
                .as("the part this run moved, and the rate over it").containsPattern("32\\.0 MiB, [0-9.]+ MiB of it in ");
        assertThat(Files.mismatch(source, target)).isEqualTo(-1L);
        assertThat(work.resolve("video.bin.aldis-part")).doesNotExist();
        assertThat(work.resolve("video.bin.aldis-checkpoint")).doesNotExist();
    }

    @Test
    void aDownloadWhoseProcessWasKilledGoesOnFromTheCheckpointBesideThePartialFile() throws Exception {
        Path source = uploadedInProcess("archive.tar", 96 * MIB + 3);
        Path target = work.resolve("archive.tar");
        Path checkpoint = work.resolve("archive.tar.aldis-checkpoint");
        // The client brings its checkpoint up to date every half window stored (32 MB at most); the
        // node reads only so far ahead of what the client acknowledged, so holding its reads at 80 MiB
        // leaves the client with more than 32 MB stored and a checkpoint written.
        storage.holdAfter(80 * MIB);

        CliProcess first = cli("download", "archive.tar", target.toString());
        assertThat(storage.awaitHeld(60, TimeUnit.SECONDS)).as("the download is under way").isTrue();
        awaitFile(checkpoint);
        first.kill();
        assertThat(first.exitCode()).isNotZero();
        assertThat(target).doesNotExist();
        assertThat(work.resolve("archive.tar.aldis-written")).as("the note of the chunks written").exists();

        storage.release();
        long readBefore = storage.read();
        CliProcess again = cli("download", "archive.tar", target.toString());
        assertThat(again.exitCode()).as(again.err()).isEqualTo(EXIT_OK);
        assertThat(again.out()).contains("downloaded archive.tar to " + target, ", resumed,");
        assertThat(Files.mismatch(source, target)).isEqualTo(-1L);
        assertThat(checkpoint).doesNotExist();
        assertThat(work.resolve("archive.tar.aldis-written")).doesNotExist();
        // The checkpoint held more than 32 MB: the node read at most the rest again, give or take
        // what its first, stopped download still read after the release (a window at most).
        assertThat(storage.read() - readBefore).as("bytes the node read for the second run")
                .isLessThan(Files.size(source) - 16 * MIB);
    }

    /** Runs the tool as alice against the node, with her password in the environment. */
    private CliProcess cli(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args[0], "--node", "127.0.0.1:" + node.tcpPort(), "--user", ALICE));
        all.addAll(List.of(args).subList(1, args.length));
        return CliProcess.start(work, Map.of("ALDIS_PASSWORD", NodeFixture.PASSWORD), all.toArray(String[]::new));
    }

    /** A file of alice's on the node, where the feature publishes it. */
    private Path stored(String name) {
        return node.dir().resolve("files").resolve(ALICE).resolve(name);
    }

    /** Writes a file of random bytes (so compression cannot shrink it) and uploads it with the Java client. */
    private Path uploadedInProcess(String name, long size) throws Exception {
        Path source = randomFile("source-" + name, size);
        AldisClient client = node.connect(ALICE);
        client.upload(source, name).result().get(120, TimeUnit.SECONDS);
        client.close().get(10, TimeUnit.SECONDS);
        return source;
    }

    private Path randomFile(String name, long size) throws IOException {
        return TestFiles.random(work.resolve(name), size, size);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** Waits for {@code file} to appear: told by the file system, not by looking again and again. */
    private static void awaitFile(Path file) throws Exception {
        try (WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(file)) {
                WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(key).as("%s appeared", file).isNotNull();
                key.pollEvents();
                key.reset();
            }
        }
    }
}
