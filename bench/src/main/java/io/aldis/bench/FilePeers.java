package io.aldis.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tools a user would move a file with instead of the node, each run as its user runs it
 * (docs/benchmarks.md, "File transfer"; ../PEERS.md): an rsync daemon spoken to over
 * {@code rsync://} with {@code --whole-file}, scp to an sshd of our own on loopback, and nc as the
 * raw limit of one TCP connection from disk to disk. Each server keeps its files in a directory of
 * its own, as the node keeps its storage root.
 */
final class FilePeers {
    private FilePeers() {
    }

    /** One way of moving a file to a server and back; a round is one call, timed by the caller. */
    interface Mover extends AutoCloseable {
        String name();

        /** Copies {@code source} to the server under {@code remoteName}, and returns once it is there whole. */
        void upload(Path source, String remoteName) throws Exception;

        /** Copies the server's {@code remoteName} to {@code target}, and returns once it is there whole. */
        void download(String remoteName, Path target) throws Exception;

        /**
         * CPU time the mover's own processes have used so far (server and client together), in
         * nanoseconds, or -1 when it cannot tell. For the peers' tools, which run as short-lived
         * processes, it is counted once they ended: their server's own time and that of the children
         * it waited for, and the time of this process's children it waited for (each tool's client,
         * and nc's server), as Linux keeps them in {@code /proc/<pid>/stat}.
         */
        default long cpuNanos() throws Exception {
            return -1;
        }

        /** Where the server keeps {@code remoteName}, so that a round can check and delete it. */
        Path stored(String remoteName);

        @Override
        void close() throws Exception;
    }

    /**
     * An rsync daemon with one writable module, spoken to with {@code rsync --whole-file rsync://…};
     * with {@code fsync}, also {@code --fsync}, so that the side that receives syncs every file it
     * writes before it ends, as the node and the Java client do (the daemon does not by default).
     */
    static Mover rsyncDaemon(Path work, boolean fsync) throws Exception {
        String name = fsync ? "rsync --fsync" : "rsync daemon";
        Path dir = Files.createDirectories(work.resolve(fsync ? "rsync-fsync" : "rsync"));
        Path store = Files.createDirectories(dir.resolve("store"));
        int port = freePort();
        Path config = dir.resolve("rsyncd.conf");
        Files.writeString(config, String.join("\n",
                "pid file = " + dir.resolve("rsyncd.pid"),
                "use chroot = no",
                "[bench]",
                "  path = " + store,
                "  read only = no",
                "  uid = root",
                "  gid = root",
                ""));
        Process daemon = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--address=127.0.0.1",
                "--port=" + port, "--config=" + config).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyncd.log").toFile()).start();
        awaitListening(port, daemon);
        String url = "rsync://127.0.0.1:" + port + "/bench/";
        List<String> rsync = fsync ? List.of("rsync", "--whole-file", "--fsync") : List.of("rsync", "--whole-file");
        return new Mover() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void upload(Path source, String remoteName) throws Exception {
                List<String> command = new ArrayList<>(rsync);
                command.addAll(List.of(source.toString(), url + remoteName));
                run(command);
            }

            @Override
            public void download(String remoteName, Path target) throws Exception {
                List<String> command = new ArrayList<>(rsync);
                command.addAll(List.of(url + remoteName, target.toString()));
                run(command);
            }

            @Override
            public long cpuNanos() throws Exception {
                return childrenCpuNanos() + ownAndChildrenCpuNanos(daemon.pid());
            }

            @Override
            public Path stored(String remoteName) {
                return store.resolve(remoteName);
            }

            @Override
            public void close() {
                daemon.destroy();
            }
        };
    }

    /** scp to an sshd of our own on loopback, with a key of our own, as root. */
    static Mover scp(Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("ssh"));
        Path store = Files.createDirectories(dir.resolve("store"));
        // sshd refuses to start without its privilege separation directory
        Files.createDirectories(Path.of("/run/sshd"));
        Path hostKey = dir.resolve("host_key");
        Path userKey = dir.resolve("user_key");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", userKey.toString()));
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        int port = freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PermitRootLogin yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "StrictModes no",
                "UsePAM no",
                // scp speaks the SFTP protocol by default since OpenSSH 9.0
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                ""));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        awaitListening(port, sshd);
        List<String> scp = List.of("scp", "-q", "-P", Integer.toString(port), "-i", userKey.toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
        return new Mover() {
            @Override
            public String name() {
                return "scp";
            }

            @Override
            public void upload(Path source, String remoteName) throws Exception {
                List<String> command = new ArrayList<>(scp);
                command.add(source.toString());
                command.add("root@127.0.0.1:" + store.resolve(remoteName));
                run(command);
            }

            @Override
            public void download(String remoteName, Path target) throws Exception {
                List<String> command = new ArrayList<>(scp);
                command.add("root@127.0.0.1:" + store.resolve(remoteName));
                command.add(target.toString());
                run(command);
            }

            @Override
            public long cpuNanos() throws Exception {
                return childrenCpuNanos() + ownAndChildrenCpuNanos(sshd.pid());
            }

            @Override
            public Path stored(String remoteName) {
                return store.resolve(remoteName);
            }

            @Override
            public void close() {
                sshd.destroy();
            }
        };
    }

    /**
     * OpenBSD nc, one connection per copy, from disk to disk: the raw limit, with no check of what
     * arrived and nothing else to do.
     */
    static Mover nc(Path work) throws Exception {
        Path store = Files.createDirectories(work.resolve("nc").resolve("store"));
        return new Mover() {
            @Override
            public String name() {
                return "nc";
            }

            @Override
            public void upload(Path source, String remoteName) throws Exception {
                NcServer nc = ncServer(port -> new ProcessBuilder("nc", "-l", "127.0.0.1", Integer.toString(port))
                        .redirectOutput(store.resolve(remoteName).toFile()));
                Process server = nc.process();
                Process client = new ProcessBuilder("nc", "-N", "127.0.0.1", Integer.toString(nc.port()))
                        .redirectInput(source.toFile()).start();
                awaitSuccess(client, "nc (sending)");
                awaitSuccess(server, "nc (receiving)");
            }

            @Override
            public void download(String remoteName, Path target) throws Exception {
                NcServer nc = ncServer(port -> new ProcessBuilder("nc", "-l", "-N", "127.0.0.1", Integer.toString(port))
                        .redirectInput(store.resolve(remoteName).toFile()));
                Process server = nc.process();
                Process client = new ProcessBuilder("nc", "-d", "127.0.0.1", Integer.toString(nc.port()))
                        .redirectOutput(target.toFile()).start();
                awaitSuccess(client, "nc (receiving)");
                awaitSuccess(server, "nc (sending)");
            }

            @Override
            public long cpuNanos() throws IOException {
                return childrenCpuNanos();
            }

            @Override
            public Path stored(String remoteName) {
                return store.resolve(remoteName);
            }

            @Override
            public void close() {
            }
        };
    }

    /** CPU time of the children this process has waited for, in nanoseconds. */
    private static long childrenCpuNanos() throws IOException {
        long[] times = cpuTicks(ProcessHandle.current().pid());
        return ticksToNanos(times[2] + times[3]);
    }

    /**
     * CPU time of server process {@code pid} and of the children it has waited for, in nanoseconds,
     * once the children it forked for earlier connections have ended (a client may end a moment
     * before its connection's server child does).
     */
    private static long ownAndChildrenCpuNanos(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(pid).map(p -> p.children().findAny().isPresent()).orElse(false)
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long[] times = cpuTicks(pid);
        return ticksToNanos(times[0] + times[1] + times[2] + times[3]);
    }

    /** CPU time process {@code pid} has used so far, its own threads only, in nanoseconds. */
    static long processCpuNanos(long pid) throws IOException {
        long[] times = cpuTicks(pid);
        return ticksToNanos(times[0] + times[1]);
    }

    /** utime, stime, cutime and cstime of process {@code pid} (proc(5)), in clock ticks. */
    private static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name, in parentheses, may hold spaces: the fields are counted after it, from field 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                Long.parseLong(fields[14])};
    }

    /** Linux reports these times in ticks of USER_HZ, 1/100 s (what {@code getconf CLK_TCK} prints). */
    private static long ticksToNanos(long ticks) {
        return ticks * 10_000_000L;
    }

    /** An nc listening on {@code port}. */
    private record NcServer(Process process, int port) {
    }

    /**
     * Starts the nc that {@code command} makes for a free port and waits until it listens, one at a
     * time (uploads at once must not pick the same port). A port can be taken between being picked
     * and nc's bind (by the ephemeral port of any connection opened meanwhile): nc then exits at
     * once, and another port is tried.
     */
    private static synchronized NcServer ncServer(java.util.function.IntFunction<ProcessBuilder> command)
            throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Process server = command.apply(port).start();
            try {
                awaitListening(port, server);
                return new NcServer(server, port);
            } catch (IOException e) {
                server.destroyForcibly();
                last = e;
            }
        }
        throw last;
    }

    /** Runs a command to its end; a failure throws with what it printed. */
    static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        awaitSuccess(process, String.join(" ", command));
    }

    private static void awaitSuccess(Process process, String what) throws Exception {
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(what + " did not finish in 10 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed with exit code " + process.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    /** Waits until something listens on {@code port} without connecting to it (nc would take the connection). */
    private static void awaitListening(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the server for port " + port + " exited with " + server.exitValue() + ": "
                        + new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
            Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
            boolean listening = !new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
            ss.waitFor();
            if (listening) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IOException("nothing listened on port " + port + " within 20 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
