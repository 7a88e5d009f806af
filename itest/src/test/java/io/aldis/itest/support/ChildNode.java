package io.aldis.itest.support;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeFixture} in a JVM of its own, for tests that kill the node with {@code kill -9}
 * and start it again over the same storage: the user {@value #USER} (password
 * {@link NodeFixture#PASSWORD}), pub/sub and file transfer, on one TCP port.
 *
 * <p>A test starts it with {@link #start(Path, int, Duration)}, which returns once the node
 * listens, and kills it with {@link Process#destroyForcibly()}. Each chunk an upload writes can be
 * made to take a while, so that a test finds an upload still running when it kills the node.
 *
 * <p>{@link #launch} starts a node of another make the same way, from a main that calls
 * {@link #announce(int)} once it listens and {@link #awaitParent()} to stay up.
 */
public final class ChildNode {
    /** The one user of the node. */
    public static final String USER = "alice";
    private static final String LISTENING = "LISTENING ";

    private ChildNode() {
    }

    /** The process and the port it listens on. */
    public record Started(Process process, int port) {
    }

    /**
     * Starts a node in a new JVM with the classes of this one.
     *
     * @param storageRoot the file-transfer feature's storage root, kept between starts
     * @param port        the TCP port, 0 for any free one
     * @param perChunk    how long writing each uploaded chunk takes at least
     */
    public static Started start(Path storageRoot, int port, Duration perChunk) throws IOException {
        return launch(ChildNode.class, List.of(), List.of(storageRoot.toString(), Integer.toString(port),
                Long.toString(perChunk.toMillis())), null);
    }

    /**
     * Starts {@code mainClass}, a node of the caller's making, in a new JVM with the classes of this
     * one, and returns once it has {@link #announce(int) announced} its port.
     *
     * @param jvmOptions options for the new JVM, such as system properties
     * @param args       the arguments of {@code mainClass}
     * @param log        the file that receives the new JVM's standard error, or null to share this one's
     */
    public static Started launch(Class<?> mainClass, List<String> jvmOptions, List<String> args, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(log == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(log.toFile()));
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith(LISTENING)) {
                return new Started(process, Integer.parseInt(line.substring(LISTENING.length())));
            }
        }
        process.destroyForcibly();
        throw new IOException("the child node ended before it listened (exit " + exitOf(process) + ")");
    }

    /** Tells the parent, from the child's main, that the node listens on {@code port}. */
    public static void announce(int port) {
        System.out.println(LISTENING + port);
        System.out.flush();
    }

    /** Blocks the child's main until its standard input ends: the parent closed it or died. */
    public static void awaitParent() throws IOException {
        while (System.in.read() >= 0) {
            // Nothing to read: the loop ends when the parent closes the pipe or dies.
        }
    }

    private static int exitOf(Process process) {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Runs the node until its standard input ends (the test's JVM went away). */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long perChunkMillis = Long.parseLong(args[2]);
        try (NodeFixture node = NodeFixture.builder()
                .user(USER, "user")
                .pubsub()
                .files(FilesSettings.defaults(root.toString()))
                .fileStore(store -> new SlowWrites(store, perChunkMillis))
                .tcp(TcpSettings.plain("child", port))
                .start()) {
            announce(node.tcpPort());
            awaitParent();
        }
    }

    /** Writes of partial files that each take at least a given time. */
    private static final class SlowWrites extends GatedFileStore {
        private final long perWriteMillis;

        SlowWrites(FileStore store, long perWriteMillis) {
            super(store);
            this.perWriteMillis = perWriteMillis;
        }

        @Override
        protected void beforeWrite(String key, int bytes) throws IOException {
            try {
                Thread.sleep(perWriteMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing", e);
            }
        }
    }
}
