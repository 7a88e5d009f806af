package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.TransferOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
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

    AldisFileMover(String name, NodeProcess node, String user, char[] password, TransferOptions options) {
        this.name = name;
        this.node = node;
        this.user = user;
        this.client = AldisClient.builder().address("127.0.0.1", node.port()).credentials(user, password)
                .clientName("aldis-file-bench").build();
        client.connect().join();
        this.options = options;
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
        client.close().get(10, TimeUnit.SECONDS);
        node.close();
    }
}
