package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node as a {@link FilePeers.Mover}: the Java client with the options given (by default adaptive
 * LZ4 when both sides have it, the node's chunk size and window) against a {@link BenchNode} running
 * the file-transfer feature with its defaults. Every transfer is checked by both sides (CRC-32 per
 * chunk, SHA-256 of the file) before its result completes.
 */
final class AldisFileMover implements FilePeers.Mover {
    private final String name;
    private final NodeProcess node;
    private final AldisClient client;
    private final String user;
    private final TransferOptions options;
    /** Whether this mover started the node and the client, and so closes them. */
    private final boolean owner;

    AldisFileMover(String name, NodeProcess node, String user, char[] password, TransferOptions options) {
        this(name, node, AldisClient.builder().address("127.0.0.1", node.port()).credentials(user, password)
                .clientName("aldis-file-bench").build(), user, options, true);
        client.connect().join();
    }

    private AldisFileMover(String name, NodeProcess node, AldisClient client, String user, TransferOptions options,
            boolean owner) {
        this.name = name;
        this.node = node;
        this.client = client;
        this.user = user;
        this.options = options;
        this.owner = owner;
    }

    /** The same node and client under another name, with other options; closing it closes neither. */
    AldisFileMover with(String otherName, TransferOptions otherOptions) {
        return new AldisFileMover(otherName, node, client, user, otherOptions, false);
    }

    TransferOptions options() {
        return options;
    }

    /** The node's TCP port, for clients of a part's own (through a proxy, say). */
    int nodePort() {
        return node.port();
    }

    /** Starts an upload and returns at once. */
    CompletableFuture<TransferResult> startUpload(Path source, String remoteName) {
        return client.upload(source, remoteName, options).result();
    }

    /** Starts a download and returns at once. */
    CompletableFuture<TransferResult> startDownload(String remoteName, Path target) {
        return client.download(remoteName, target, options).result();
    }

    /** The node's heap after garbage collection, in bytes: 150 ms after it, and right after it. */
    long[] nodeHeapAfterGc() throws Exception {
        NodeProcess.Memory memory = node.memory();
        return new long[] {memory.heapUsed(), memory.heapRightAfterGc()};
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void upload(Path source, String remoteName) throws Exception {
        client.upload(source, remoteName, options).result().get(10, TimeUnit.MINUTES);
    }

    @Override
    public void download(String remoteName, Path target) throws Exception {
        client.download(remoteName, target, options).result().get(10, TimeUnit.MINUTES);
    }

    /** The node's CPU time and this JVM's, where the client runs (the other clients here are idle meanwhile). */
    @Override
    public long cpuNanos() throws Exception {
        return node.stats().cpuNanos()
                + ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
    }

    @Override
    public Path stored(String remoteName) {
        // the local store keeps each user's files in a directory named after the user
        return node.filesRoot().resolve(user).resolve(remoteName);
    }

    @Override
    public void close() throws Exception {
        if (!owner) {
            return;
        }
        client.close().get(10, TimeUnit.SECONDS);
        node.close();
    }
}
