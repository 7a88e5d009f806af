package io.aldis.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A helper JVM (a peer's server or client) that answers one-line commands on stdin. */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    ChildJvm(String classPath, String mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseG1GC", "-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    void send(String line) {
        in.println(line);
    }

    /** The next line starting with {@code tag}, split on spaces; other lines are echoed. */
    String[] expect(String tag) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(tag + " ")) {
                return line.split(" ");
            }
            System.out.println("[child] " + line);
        }
        throw new IOException("child JVM ended before printing " + tag);
    }

    /** CPU time the child has used so far, in nanoseconds. */
    long cpuNanos() throws IOException {
        return FilePeers.processCpuNanos(process.pid());
    }

    /** Kills the process at once, as a crash would end it, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
