package io.aldis.bench;

import io.aldis.protocol.api.spin.NettyIo;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link BenchNode} in a child JVM and talks to it over its stdin and stdout. */
final class NodeProcess implements AutoCloseable {
    /** One reading of the node's counters. */
    record Stats(int sessions, long cpuNanos, long framesIn, long framesOut) {
        long frames() {
            return framesIn + framesOut;
        }
    }

    /**
     * The node's memory after garbage collection, in bytes: the heap 150 ms after a collection, and
     * right after it (see {@link BenchNode}).
     */
    record Memory(long heapUsed, long nettyDirect, long resident, long heapRightAfterGc) {
    }

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final int port;
    private final int wsPort;
    private final Path filesRoot;

    /**
     * A node with the given features ({@code pubsub,rpc,ws}, or none; see {@link BenchNode}), the RPC
     * workers' {@code workerSpinMicros} setting and the listeners' {@code spinMicros}.
     */
    NodeProcess(int heartbeatMillis, int iterations, String user, String password, String heap, String features,
            int rpcWorkerSpinMicros, int listenerSpinMicros) throws IOException {
        // the node takes the bench's choice of Netty transport (epoll or NIO), as its clients do
        this(heartbeatMillis, iterations, user, password, heap, features, rpcWorkerSpinMicros, listenerSpinMicros,
                System.getProperty(NettyIo.PROPERTY, "auto"));
    }

    /** The same with {@code io} as the node's {@link NettyIo#PROPERTY}: {@code auto}, {@code epoll} or {@code nio}. */
    NodeProcess(int heartbeatMillis, int iterations, String user, String password, String heap, String features,
            int rpcWorkerSpinMicros, int listenerSpinMicros, String io) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseG1GC",
                "-D" + NettyIo.PROPERTY + "=" + io,
                "-cp", classPathCopy(), BenchNode.class.getName(),
                Integer.toString(heartbeatMillis), Integer.toString(iterations), user, password));
        cmd.add(features);
        cmd.add(Integer.toString(rpcWorkerSpinMicros));
        cmd.add(Integer.toString(listenerSpinMicros));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        port = Integer.parseInt(expect("PORT")[1]);
        wsPort = features.contains("ws") ? Integer.parseInt(expect("WSPORT")[1]) : -1;
        filesRoot = features.contains("files") ? Path.of(expect("FILES")[1]) : null;
    }

    /** Where the file-transfer feature keeps its users' areas, or null without it. */
    Path filesRoot() {
        return filesRoot;
    }

    /** The WebSocket listener's port, or -1 without one. */
    int wsPort() {
        return wsPort;
    }

    private static String snapshot;

    /**
     * The node runs from a private copy of the class path, taken once: the node loads classes
     * lazily, and a jar rebuilt and installed elsewhere in the meantime must not change it mid-run.
     */
    static synchronized String classPathCopy() throws IOException {
        if (snapshot == null) {
            Path dir = Files.createTempDirectory("aldis-bench-cp");
            dir.toFile().deleteOnExit(); // registered first, so deleted after the files in it
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path from = Path.of(entry);
                if (Files.isRegularFile(from)) {
                    Path to = dir.resolve((i++) + "-" + from.getFileName());
                    Files.copy(from, to);
                    to.toFile().deleteOnExit();
                    entries.add(to.toString());
                } else {
                    entries.add(entry);
                }
            }
            snapshot = String.join(File.pathSeparator, entries);
        }
        return snapshot;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Memory memory() throws IOException {
        in.println("heap");
        String[] f = expect("HEAP");
        return new Memory(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    Stats stats() throws IOException {
        in.println("stats");
        String[] f = expect("STATS");
        return new Stats(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    /** The authentication throttle's counters: attempts judged, and attempts refused unjudged. */
    long[] throttleCounts() throws IOException {
        in.println("throttle");
        String[] f = expect("THROTTLE");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    /** The node's cluster: members it sees, messages it sent to other nodes and received from them. */
    long[] cluster() throws IOException {
        in.println("cluster");
        String[] f = expect("CLUSTER");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    private String[] expect(String tag) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(tag + " ")) {
                return line.split(" ");
            }
            System.out.println("[node] " + line);
        }
        throw new IOException("node process ended before answering " + tag);
    }

    @Override
    public void close() throws IOException {
        in.println("quit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
