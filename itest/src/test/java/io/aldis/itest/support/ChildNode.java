package io.aldis.itest.support;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.feature.cluster.internal.addresses.ListenerAddresses;
import io.aldis.feature.cluster.internal.ClusterView;
import io.aldis.feature.cluster.internal.command.ClusterRoutesCommand;
import io.aldis.feature.cluster.internal.rpc.ClusterCalls;
import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.itest.rpc.Gate;
import io.aldis.itest.rpc.GateApi;
import io.aldis.itest.rpc.Streams;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.node.SystemEvents;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link NodeFixture} in a JVM of its own, for tests that kill the node with {@code kill -9}
 * and start it again over the same storage: the user {@value #USER} (password
 * {@link NodeFixture#PASSWORD}), pub/sub and file transfer, on one TCP port.
 *
 * <p>A test starts it with {@link #start(Path, int, Duration)}, which returns once the node
 * listens, and kills it with {@link Process#destroyForcibly()}. Each chunk an upload writes can be
 * made to take a while, so that a test finds an upload still running when it kills the node.
 *
 * <p>Started with a users file ({@link #start(Path, int, Duration, Path)}), the node keeps its users
 * there, as the auth feature keeps them in {@code etc/}, and also runs RPC and streams with
 * {@link io.aldis.itest.rpc.Streams} exported as {@code streams}. It then takes commands on its
 * standard input: {@value #CHURN_USERS} starts changing users without pause (add, change roles,
 * change password, remove, in turn), and the node prints a line starting with {@value #COMMITTED}
 * after each change the store has made, naming the change ({@link UserChange}).
 *
 * <p>{@link #startClustered} starts instead a node with pub/sub, RPC and the cluster feature (its
 * own Hazelcast member), linked as the feature links them in Karaf, which answers
 * {@link Clustered#counts()} about its view of the cluster and {@link Clustered#sessions()} about
 * its sessions, shares its resume tokens through the cluster, and changes a user's password when
 * told ({@link Clustered#changePassword}); asked to, it exports a {@link io.aldis.itest.rpc.Gate}
 * as {@value #GATE} and {@link io.aldis.itest.rpc.Streams} as {@value #STREAMS}, and
 * {@link Clustered#gate()} tells what the gate saw, {@link Clustered#streams()} what the streams
 * produced; given a storage root, it runs file transfer too, with the cluster's locks, so that
 * nodes given one root share their files. Given {@link LinkOptions}, its links to the other
 * members run inside TLS, listen on a given port, and its log goes to a file a test can read.
 *
 * <p>{@link #launch} starts a node of another make the same way, from a main that calls
 * {@link #announce(int)} once it listens and {@link #awaitParent()} to stay up.
 */
public final class ChildNode {
    /** The one user of the node. */
    public static final String USER = "alice";
    /** An administrator of a clustered node, who may read the {@code $sys} events. */
    public static final String ADMIN = "root";
    private static final String LISTENING = "LISTENING ";
    /** The command that starts changing users. */
    public static final String CHURN_USERS = "churn-users";
    /** What each line about a change the users store made starts with. */
    public static final String COMMITTED = "COMMITTED ";
    private static final String CLUSTER_MODE = "--cluster";
    /** The system property that passes a clustered node its link port. */
    private static final String LINK_PORT_PROPERTY = "aldis.child.linkPort";
    /** The prefix of the system properties that pass a clustered node its links' TLS stores. */
    private static final String LINK_TLS_PROPERTY = "aldis.child.linkTls.";
    /** The system property that passes a clustered node its dataPath. */
    private static final String DATA_PATH_PROPERTY = "aldis.child.dataPath";
    /** The system property that passes a clustered node the name it exports its gate under. */
    private static final String GATE_NAME_PROPERTY = "aldis.child.gateName";
    private static final String COUNTS = "COUNTS ";
    private static final String COPIES_COMMAND = "copies";
    private static final String COPIES = "COPIES ";
    private static final String GATE_STATE = "GATE ";
    private static final String STREAMS_STATE = "STREAMS ";
    /** The name a clustered node that exports its gate exports {@link io.aldis.itest.rpc.Streams} under too. */
    public static final String STREAMS = "streams";
    /** The name a clustered node {@linkplain #startClustered(String, String, int, List, boolean) exports its gate} under. */
    public static final String GATE = "gate";
    private static final String ROUTE = "ROUTE ";
    private static final String ROUTES_END = "ROUTES END";
    private static final String SESSIONS_COMMAND = "sessions";
    private static final String SESSIONS = "SESSIONS ";
    private static final String PASSWD_COMMAND = "passwd ";
    private static final String PASSWD_DONE = "PASSWD-DONE";
    private static final String PARKED = "PARKED ";
    private static final String SERVED_COMMAND = "served";
    private static final String SERVED = "SERVED ";
    /** Held so that its level stays set: the JDK keeps loggers only while someone refers to them. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private ChildNode() {
    }

    /** The process, the port it listens on, and the rest of its standard output. */
    public record Started(Process process, int port, BufferedReader out) {
        /**
         * Kills the node as {@code kill -9} does and waits until it is gone, leaving what it wrote to
         * its standard output readable ({@link Process#destroyForcibly()} would close it).
         */
        public void kill() throws InterruptedException {
            process.toHandle().destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the killed node did not end");
            }
        }

        /** Sends a command to the node's standard input. */
        public void command(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
    }

    /**
     * A change of users the node made, as the {@value #COMMITTED} line names it:
     * {@code add <user> <password> <roles>}, {@code roles <user> <roles>},
     * {@code passwd <user> <password>} or {@code remove <user>}, roles separated by commas.
     */
    public record UserChange(String kind, String user, String password, String roles) {
        /** Reads a {@value #COMMITTED} line. */
        public static UserChange parse(String line) {
            String[] parts = line.substring(COMMITTED.length()).split(" ");
            return switch (parts[0]) {
                case "add" -> new UserChange("add", parts[1], parts[2], parts[3]);
                case "roles" -> new UserChange("roles", parts[1], null, parts[2]);
                case "passwd" -> new UserChange("passwd", parts[1], parts[2], null);
                case "remove" -> new UserChange("remove", parts[1], null, null);
                default -> throw new IllegalArgumentException("not a change: " + line);
            };
        }
    }

    /**
     * Starts a node in a new JVM with the classes of this one.
     *
     * @param storageRoot the file-transfer feature's storage root, kept between starts
     * @param port        the TCP port, 0 for any free one
     * @param perChunk    how long writing each uploaded chunk takes at least
     */
    public static Started start(Path storageRoot, int port, Duration perChunk) throws IOException {
        return start(storageRoot, port, perChunk, null);
    }

    /**
     * The same, keeping the users in {@code usersFile} and running RPC and streams as well.
     *
     * @param usersFile where the node keeps its users, kept between starts
     */
    public static Started start(Path storageRoot, int port, Duration perChunk, Path usersFile) throws IOException {
        List<String> args = new ArrayList<>(List.of(storageRoot.toString(), Integer.toString(port),
                Long.toString(perChunk.toMillis())));
        if (usersFile != null) {
            args.add(usersFile.toString());
        }
        return launch(ChildNode.class, List.of(), args, null);
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
                return new Started(process, Integer.parseInt(line.substring(LISTENING.length())), out);
            }
        }
        process.destroyForcibly();
        throw new IOException("the child node ended before it listened (exit " + exitOf(process) + ")");
    }

    /**
     * Starts a node in a new JVM that joins a cluster; returns once its member has joined the
     * listed members or, finding none that takes it, formed a cluster of its own.
     *
     * @param nodeName   the node's name in the cluster
     * @param secret     the cluster's shared secret
     * @param memberPort the port of its Hazelcast member
     * @param members    the other members, host:port
     */
    public static Clustered startClustered(String nodeName, String secret, int memberPort, List<String> members)
            throws IOException {
        return startClustered(nodeName, secret, "127.0.0.1", memberPort, "", members, false, null, Duration.ZERO);
    }

    /**
     * The same; with {@code exportGate} the node also exports a {@link io.aldis.itest.rpc.Gate} as
     * RPC service {@value #GATE}.
     */
    public static Clustered startClustered(String nodeName, String secret, int memberPort, List<String> members,
            boolean exportGate) throws IOException {
        return startClustered(nodeName, secret, "127.0.0.1", memberPort, "", members, exportGate, null, Duration.ZERO);
    }

    /**
     * The same, with file transfer as well, over {@code storageRoot}: nodes given the same root
     * share their files, and publish and sweep under the cluster's locks.
     *
     * @param storageRoot the file-transfer feature's storage root; null for a node without file transfer
     * @param perChunk    how long writing each uploaded chunk takes at least
     */
    public static Clustered startClustered(String nodeName, String secret, int memberPort, List<String> members,
            Path storageRoot, Duration perChunk) throws IOException {
        return startClustered(nodeName, secret, "127.0.0.1", memberPort, "", members, false, storageRoot, perChunk);
    }

    /**
     * Starts a clustered node whose member binds {@code host:memberPort} and tells the others to
     * reach it at {@code publicAddress} (such as a proxy in front of it; empty for host:memberPort).
     */
    public static Clustered startClustered(String nodeName, String secret, String host, int memberPort,
            String publicAddress, List<String> members) throws IOException {
        return startClustered(nodeName, secret, host, memberPort, publicAddress, members, false, null, Duration.ZERO);
    }

    /** The same; with {@code exportGate} the node also exports its gate and streams, as {@link #startClustered(String, String, int, List, boolean)}. */
    public static Clustered startClustered(String nodeName, String secret, String host, int memberPort,
            String publicAddress, List<String> members, boolean exportGate) throws IOException {
        return startClustered(nodeName, secret, host, memberPort, publicAddress, members, exportGate, null,
                Duration.ZERO);
    }

    /**
     * What a clustered node may have beyond the usual.
     *
     * @param linkTls  TLS on its links between members, or {@link TlsSettings#NONE}
     * @param linkPort the port it accepts links on, 0 for any free one
     * @param log      the file that receives its standard error (its log lines), or null to share the test's
     * @param dataPath how it sends messages and calls to the others: {@code ClusterSettings.LINKS} or {@code HAZELCAST}
     * @param gateName the service name it exports its gate under, when it exports it
     */
    public record LinkOptions(TlsSettings linkTls, int linkPort, Path log, String dataPath, String gateName) {
        /** The usual node: links without TLS on any free port, its log with the test's. */
        public static final LinkOptions DEFAULT = new LinkOptions(TlsSettings.NONE, 0, null);

        /** Options of a node that sends over links and exports its gate as {@value ChildNode#GATE}. */
        public LinkOptions(TlsSettings linkTls, int linkPort, Path log) {
            this(linkTls, linkPort, log, ClusterSettings.LINKS, GATE);
        }
    }

    /** Starts a clustered node as {@link #startClustered(String, String, String, int, String, List, boolean)}, with {@code links}. */
    public static Clustered startClustered(String nodeName, String secret, String host, int memberPort,
            String publicAddress, List<String> members, boolean exportGate, LinkOptions links) throws IOException {
        return startClustered(nodeName, secret, host, memberPort, publicAddress, members, exportGate, null,
                Duration.ZERO, links);
    }

    private static Clustered startClustered(String nodeName, String secret, String host, int memberPort,
            String publicAddress, List<String> members, boolean exportGate, Path storageRoot, Duration perChunk)
            throws IOException {
        return startClustered(nodeName, secret, host, memberPort, publicAddress, members, exportGate, storageRoot,
                perChunk, LinkOptions.DEFAULT);
    }

    private static Clustered startClustered(String nodeName, String secret, String host, int memberPort,
            String publicAddress, List<String> members, boolean exportGate, Path storageRoot, Duration perChunk,
            LinkOptions links) throws IOException {
        List<String> args = new ArrayList<>(List.of(CLUSTER_MODE, nodeName, secret, Integer.toString(memberPort),
                String.join(",", members), exportGate ? GATE : "-", host, publicAddress));
        if (storageRoot != null) {
            args.add(storageRoot.toString());
            args.add(Long.toString(perChunk.toMillis()));
        }
        // Four JVMs share the machine while they start: the quick compiler alone starts them sooner.
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        jvm.add("-D" + LINK_PORT_PROPERTY + "=" + links.linkPort());
        jvm.add("-D" + DATA_PATH_PROPERTY + "=" + links.dataPath());
        jvm.add("-D" + GATE_NAME_PROPERTY + "=" + links.gateName());
        TlsSettings tls = links.linkTls();
        if (tls.enabled()) {
            jvm.addAll(List.of("-D" + LINK_TLS_PROPERTY + "keyStore=" + tls.keyStore(),
                    "-D" + LINK_TLS_PROPERTY + "keyStorePassword=" + tls.keyStorePassword(),
                    "-D" + LINK_TLS_PROPERTY + "trustStore=" + tls.trustStore(),
                    "-D" + LINK_TLS_PROPERTY + "trustStorePassword=" + tls.trustStorePassword()));
        }
        Started started = launch(ChildNode.class, jvm, args, links.log());
        Writer in = new OutputStreamWriter(started.process().getOutputStream(), StandardCharsets.UTF_8);
        return new Clustered(nodeName, started.process(), started.port(), started.out(), in);
    }

    /** A clustered node in its own JVM: its process, its client port, and a line to ask it. */
    public static final class Clustered implements AutoCloseable {
        private final String name;
        private final Process process;
        private final int port;
        private final BufferedReader out;
        private final Writer in;

        Clustered(String name, Process process, int port, BufferedReader out, Writer in) {
            this.name = name;
            this.process = process;
            this.port = port;
            this.out = out;
            this.in = in;
        }

        public String name() {
            return name;
        }

        public Process process() {
            return process;
        }

        /** The node's TCP port for clients. */
        public int port() {
            return port;
        }

        /** What the node sees of the cluster now. */
        public synchronized Counts counts() throws IOException {
            return Counts.parse(ask("counts", COUNTS).substring(COUNTS.length()));
        }

        /**
         * Whether every copy of the cluster's shared entries (resume tokens among them) is in place,
         * no partition moving. It asks every member: ask it only while every member answers.
         */
        public synchronized boolean copiesInPlace() throws IOException {
            return Boolean.parseBoolean(ask(COPIES_COMMAND, COPIES).substring(COPIES.length()));
        }

        /** What the node's gate saw: calls that entered it, and the tags of those interrupted. */
        public synchronized GateState gate() throws IOException {
            String[] parts = ask("gate", GATE_STATE).substring(GATE_STATE.length()).split(" ", -1);
            return new GateState(Integer.parseInt(parts[0]), parts[1].isEmpty() ? Set.of() : Set.of(parts[1].split(",")));
        }

        /**
         * What {@code aldis:cluster-routes --no-format} prints on the node now: one line per other
         * member, columns separated by tabs.
         */
        public synchronized List<String> routes() throws IOException {
            in.write("routes\n");
            in.flush();
            List<String> lines = new ArrayList<>();
            for (String line; (line = out.readLine()) != null;) {
                if (line.equals(ROUTES_END)) {
                    return lines;
                }
                if (line.startsWith(ROUTE)) {
                    lines.add(line.substring(ROUTE.length()));
                }
            }
            throw new IOException("node " + name + " ended (exit " + exitOf(process) + ")");
        }

        /** The sessions open on the node now, and how many of them a resume token opened. */
        public synchronized Sessions sessions() throws IOException {
            String line = ask(SESSIONS_COMMAND, SESSIONS);
            String[] parts = line.substring(SESSIONS.length()).trim().split(" ");
            return new Sessions(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        /** Gives a user a new password in the node's users, which revokes the user's resume tokens. */
        public synchronized void changePassword(String user, String password) throws IOException {
            ask(PASSWD_COMMAND + user + " " + password, PASSWD_DONE);
        }

        private String ask(String command, String answer) throws IOException {
            in.write(command + "\n");
            in.flush();
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith(answer)) {
                    return line;
                }
            }
            throw new IOException("node " + name + " ended (exit " + exitOf(process) + ")");
        }

        /**
         * The streams of calls other nodes sent this node that it still holds, and the calls its
         * RPC runs now (of clients here and of other nodes alike).
         */
        public synchronized Served served() throws IOException {
            String[] parts = ask(SERVED_COMMAND, SERVED).substring(SERVED.length()).trim().split(" ");
            return new Served(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        /** What the node's exported {@link io.aldis.itest.rpc.Streams} produced and saw cancelled so far. */
        public synchronized StreamsState streams() throws IOException {
            String[] parts = ask("streams", STREAMS_STATE).substring(STREAMS_STATE.length()).split(" ");
            return new StreamsState(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }

        /** A client connected to the node and logged in as {@value ChildNode#USER}; the caller closes it. */
        public FrameClient login() throws Exception {
            FrameClient client = FrameClient.tcp(port);
            try {
                client.login(USER, NodeFixture.PASSWORD);
                return client;
            } catch (Exception | Error e) {
                client.close();
                throw e;
            }
        }

        /**
         * Waits, asking the node every 50 ms, until what it sees of the cluster meets
         * {@code condition}; fails naming {@code what} after {@code within}.
         */
        public Counts awaitCounts(java.util.function.Predicate<Counts> condition, String what, Duration within)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            Counts last;
            do {
                last = counts();
                if (condition.test(last)) {
                    return last;
                }
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            throw new AssertionError("node " + name + ": not " + what + " within " + within + "; last " + last);
        }

        /** Whether the node keeps file transfer {@code id} at its checkpoint, no session attached. */
        public synchronized boolean parked(java.util.UUID id) throws IOException {
            return Boolean.parseBoolean(ask("parked " + id, PARKED).substring(PARKED.length()));
        }

        /** Kills the node as {@code kill -9} would. */
        @Override
        public void close() {
            process.destroyForcibly();
            exitOf(process);
        }
    }

    /**
     * A clustered node's sessions.
     *
     * @param open    sessions open now
     * @param resumed those of them that a resume token opened, not a login
     */
    public record Sessions(int open, int resumed) {
    }

    /**
     * What a clustered node's {@link io.aldis.itest.rpc.Streams} did.
     *
     * @param produced  items its publishers made, each only once it was requested
     * @param cancelled subscriptions of its publishers that were cancelled
     */
    public record StreamsState(long produced, long cancelled) {
    }

    /**
     * What a clustered node serves for other nodes now.
     *
     * @param streams  streams of calls other nodes sent that the node still holds
     * @param inFlight calls its RPC runs, whoever made them
     */
    public record Served(int streams, int inFlight) {
    }

    /**
     * A clustered node's view.
     *
     * @param members  how many members its cluster has
     * @param sent     messages it sent to other nodes
     * @param received messages it received from other nodes
     * @param patterns per other node's name, how many patterns that node announced
     * @param services per other node's name, the RPC services that node announced
     */
    /**
     * What a clustered node knows of the cluster.
     *
     * @param sessions each member's open sessions as this node knows them (itself included; -1: not announced)
     */
    public record Counts(int members, long sent, long received, Map<String, Integer> patterns,
            Map<String, Set<String>> services, Map<String, Integer> sessions) {
        static Counts parse(String text) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String part : text.trim().split(" ")) {
                int eq = part.indexOf('=');
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
            Map<String, Integer> patterns = new LinkedHashMap<>();
            for (String p : fields.get("patterns").split(",")) {
                if (!p.isEmpty()) {
                    int colon = p.lastIndexOf(':');
                    patterns.put(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1)));
                }
            }
            Map<String, Set<String>> services = new LinkedHashMap<>();
            for (String p : fields.get("services").split(",")) {
                if (!p.isEmpty()) {
                    int colon = p.lastIndexOf(':');
                    String names = p.substring(colon + 1);
                    services.put(p.substring(0, colon), names.isEmpty() ? Set.of() : Set.of(names.split("\\+")));
                }
            }
            Map<String, Integer> sessions = new LinkedHashMap<>();
            for (String p : fields.get("sessions").split(",")) {
                if (!p.isEmpty()) {
                    int colon = p.lastIndexOf(':');
                    sessions.put(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1)));
                }
            }
            return new Counts(Integer.parseInt(fields.get("members")), Long.parseLong(fields.get("sent")),
                    Long.parseLong(fields.get("received")), patterns, services, sessions);
        }

        /** Whether the named node announced the RPC service, as this node knows. */
        public boolean serves(String node, String service) {
            return services.getOrDefault(node, Set.of()).contains(service);
        }

        /** How many patterns the named node announced, as this node knows. */
        public int patternsOf(String node) {
            return patterns.getOrDefault(node, 0);
        }
    }

    /**
     * What a clustered node's gate saw.
     *
     * @param entered     calls that entered one of its methods
     * @param interrupted the tags of the calls of {@code hold} that were interrupted
     */
    public record GateState(int entered, Set<String> interrupted) {
    }

    /**
     * Ports free now, all different, each socket held until every port is found, and all below the
     * range the system hands out for port 0: a child node binds its member port some time after
     * this returns, while other children bind their listeners and links to port 0, and a port of
     * that range could be given to one of them meanwhile (a member then failed to start with
     * "Port ... is already in use").
     */
    public static int[] freePorts(int n) throws IOException {
        int below = firstEphemeralPort();
        int[] ports = new int[n];
        List<java.net.ServerSocket> held = new ArrayList<>();
        java.util.Random random = new java.util.Random();
        try {
            for (int i = 0, tries = 0; i < n; tries++) {
                if (tries > 10_000) {
                    throw new IOException("no " + n + " free ports found below " + below);
                }
                int candidate = FIXED_PORTS_FROM + random.nextInt(below - FIXED_PORTS_FROM);
                try {
                    java.net.ServerSocket s = new java.net.ServerSocket();
                    held.add(s);
                    s.bind(new java.net.InetSocketAddress("127.0.0.1", candidate));
                    ports[i++] = candidate;
                } catch (IOException taken) {
                    // in use: try another
                }
            }
        } finally {
            for (java.net.ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    /** Where explicitly chosen ports start: above the fixed ports the Karaf tests and peers use. */
    private static final int FIXED_PORTS_FROM = 20_000;

    /** The first port the system may hand out for port 0 (Linux's setting; 32768 where it cannot be read). */
    private static int firstEphemeralPort() {
        try {
            String range = java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > FIXED_PORTS_FROM + 1_000 ? low : 32_768;
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }

    /**
     * Starts nodes a, b and c of one cluster at once, c exporting its gate and streams, and returns
     * them once each counts three members.
     */
    public static List<Clustered> startThreeExportingOnC(String secret, Duration within) throws Exception {
        int[] ports = freePorts(3);
        List<String> all = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        List<java.util.concurrent.CompletableFuture<Clustered>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = String.valueOf((char) ('a' + i));
            int port = ports[i];
            List<String> others = all.stream().filter(address -> !address.equals("127.0.0.1:" + port)).toList();
            boolean exports = i == 2;
            starting.add(startAsync(() -> startClustered(name, secret, port, others, exports)));
        }
        List<Clustered> nodes = new ArrayList<>();
        for (java.util.concurrent.CompletableFuture<Clustered> f : starting) {
            nodes.add(f.get(2, TimeUnit.MINUTES));
        }
        for (Clustered n : nodes) {
            awaitTrue(() -> n.counts().members() == 3, n.name() + " sees three members", within);
        }
        return nodes;
    }

    /** Closes a test's clients, then kills its nodes; a node that never started is null and skipped. */
    public static void closeAll(List<? extends AutoCloseable> clients, Clustered... nodes) throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        for (Clustered n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** A condition a test waits for; it may ask a node, so it may fail. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits, looking every 50 ms, until {@code condition} holds; fails naming {@code what} after {@code within}. */
    public static void awaitTrue(Condition condition, String what, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not " + what + " within " + within);
    }

    /** Starts a clustered node. */
    @FunctionalInterface
    public interface Starter {
        Clustered start() throws IOException;
    }

    /** Starts a clustered node on another thread, so that several start (and find each other) at once. */
    public static java.util.concurrent.CompletableFuture<Clustered> startAsync(Starter starter) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return starter.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
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
        if (args[0].equals(CLUSTER_MODE)) {
            runClustered(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5].equals(GATE), args[6], args[7],
                    args.length > 8 ? Path.of(args[8]) : null, args.length > 9 ? Long.parseLong(args[9]) : 0);
            return;
        }
        Path root = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long perChunkMillis = Long.parseLong(args[2]);
        Path usersFile = args.length > 3 ? Path.of(args[3]) : null;
        NodeFixture.Builder builder = NodeFixture.builder()
                .user(USER, "user")
                .pubsub()
                .files(FilesSettings.defaults(root.toString()))
                .fileStore(store -> new SlowWrites(store, perChunkMillis))
                .tcp(TcpSettings.plain("child", port));
        if (usersFile != null) {
            builder.usersFile(usersFile).rpc().streaming();
        }
        try (NodeFixture node = builder.start()) {
            if (usersFile != null) {
                node.export("streams", new Streams.Impl(), Streams.Api.class);
            }
            announce(node.tcpPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null;) {
                if (line.equals(CHURN_USERS)) {
                    Thread churn = new Thread(() -> churnUsers(node.store()), "user-churn");
                    churn.setDaemon(true);
                    churn.start();
                }
            }
        }
    }

    /**
     * Changes users without pause until the process ends, and prints each change once the store
     * made it. User {@code u<n>} is added with roles {@code user}, then gets roles
     * {@code user,ops}, then a new password, and is removed once {@code u<n+3>} exists; every
     * fourth user is kept.
     */
    private static void churnUsers(CredentialStore store) {
        for (int n = 0; ; n++) {
            String name = "u" + n;
            String password = "first-password-" + n;
            store.add(name, password.toCharArray(), Set.of("user"));
            committed("add " + name + " " + password + " user");
            store.setRoles(name, Set.of("user", "ops"));
            committed("roles " + name + " ops,user");
            String changed = "second-password-" + n;
            store.setPassword(name, changed.toCharArray());
            committed("passwd " + name + " " + changed);
            int old = n - 3;
            if (old >= 0 && old % 4 != 0) {
                store.remove("u" + old);
                committed("remove u" + old);
            }
        }
    }

    private static void committed(String change) {
        System.out.println(COMMITTED + change);
        System.out.flush();
    }

    /**
     * Runs a clustered node, answering "counts", "gate", "routes", "streams", "sessions", "served",
     * "passwd" and "parked &lt;transfer id&gt;" on standard input, until that input ends.
     */
    private static void runClustered(String nodeName, String secret, int memberPort, String members,
            boolean exportGate, String host, String publicAddress, Path storageRoot, long perChunkMillis)
            throws Exception {
        // Hazelcast's own log at INFO would bury the test's output.
        HAZELCAST_LOG.setLevel(Level.WARNING);
        List<String> others = members.isEmpty() ? List.of() : List.of(members.split(","));
        String keyStore = System.getProperty(LINK_TLS_PROPERTY + "keyStore", "");
        TlsSettings tls = keyStore.isEmpty() ? TlsSettings.NONE
                : new TlsSettings(keyStore, System.getProperty(LINK_TLS_PROPERTY + "keyStorePassword"), "PKCS12",
                        System.getProperty(LINK_TLS_PROPERTY + "trustStore"),
                        System.getProperty(LINK_TLS_PROPERTY + "trustStorePassword"), "need", TlsSettings.NONE.protocols());
        ClusterSettings settings = new ClusterSettings("test", secret, others, host, memberPort, nodeName, 5,
                publicAddress, Integer.getInteger(LINK_PORT_PROPERTY, 0),
                System.getProperty(DATA_PATH_PROPERTY, ClusterSettings.LINKS), tls);
        NodeFixture.Builder builder = NodeFixture.builder()
                .user(USER, "user")
                .user(ADMIN, "admin")
                .pubsub()
                .rpc()
                .streaming()
                .tcp(TcpSettings.plain("child", 0));
        if (storageRoot != null) {
            builder.files(FilesSettings.defaults(storageRoot.toString()))
                    .fileStore(store -> new SlowWrites(store, perChunkMillis));
        }
        try (NodeFixture node = builder.start()) {
            Gate gate = new Gate();
            Streams.Impl streams = new Streams.Impl();
            if (exportGate) {
                node.export(System.getProperty(GATE_NAME_PROPERTY, GATE), gate, GateApi.class);
                node.export(STREAMS, streams, Streams.Api.class);
            }
            SystemEvents events = node.pubsub().events()::publish;
            try (ClusterEngine cluster = ClusterEngine.start(settings, () -> events)) {
                node.pubsub().remoteRoutes(cluster.link(node.pubsub().localRouting()));
                ClusterCalls calls = (ClusterCalls) cluster.linkRpc(node.rpc().localCalls());
                node.rpc().remoteCalls(calls);
                if (storageRoot != null) {
                    // As the file-transfer component takes the locks the cluster component registers.
                    node.files().clusterLocks(cluster.locks());
                }
                // As the node takes the cluster's ResumeTokenStore service in Karaf.
                node.node().tokenStore(cluster.resumeTokens(node::node));
                // As the cluster component announces the node's TCP listener and the node takes its
                // ClientAddressBook service in Karaf.
                cluster.clientAddresses().announce(ListenerAddresses.of(List.of(node.tcpServer()), host));
                node.node().clientAddressBook(cluster.clientAddresses());
                cluster.countSessions(node::node);
                announce(node.tcpPort());
                BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = commands.readLine()) != null;) {
                    if (line.equals("counts")) {
                        System.out.println(COUNTS + describe(cluster));
                        System.out.flush();
                    } else if (line.equals(COPIES_COMMAND)) {
                        // Asks every member, so only while all answer: a test asks before it kills one.
                        System.out.println(COPIES + cluster.copiesInPlace());
                        System.out.flush();
                    } else if (line.equals("streams")) {
                        System.out.println(STREAMS_STATE + streams.produced.get() + " " + streams.cancelled.get());
                        System.out.flush();
                    } else if (line.equals("gate")) {
                        System.out.println(GATE_STATE + gate.entered() + " " + String.join(",", gate.interruptedTags()));
                        System.out.flush();
                    } else if (line.equals("routes")) {
                        printRoutes(cluster);
                    } else if (line.equals(SERVED_COMMAND)) {
                        int inFlight = node.rpc().registry().stats().stream().mapToInt(MethodStats::inFlight).sum();
                        System.out.println(SERVED + calls.servedStreams() + " " + inFlight);
                        System.out.flush();
                    } else if (line.equals(SESSIONS_COMMAND)) {
                        System.out.println(SESSIONS + sessions(node));
                        System.out.flush();
                    } else if (line.startsWith(PASSWD_COMMAND)) {
                        String[] parts = line.split(" ");
                        node.store().setPassword(parts[1], parts[2].toCharArray());
                        System.out.println(PASSWD_DONE);
                        System.out.flush();
                    } else if (line.startsWith("parked ") && storageRoot != null) {
                        java.util.UUID id = java.util.UUID.fromString(line.substring("parked ".length()));
                        boolean parked = node.files().transfers().stream()
                                .anyMatch(row -> row.id().equals(id) && row.state().equals("at checkpoint"));
                        System.out.println(PARKED + parked);
                        System.out.flush();
                    }
                }
            }
        }
    }

    private static void printRoutes(ClusterEngine cluster) {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ClusterRoutesCommand.print(cluster.routes(), System.currentTimeMillis(),
                new PrintStream(table, true, StandardCharsets.UTF_8), false);
        for (String row : table.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!row.isBlank()) {
                System.out.println(ROUTE + row);
            }
        }
        System.out.println(ROUTES_END);
        System.out.flush();
    }

    /** How many sessions are open, and how many of them a resume token opened. */
    private static String sessions(NodeFixture node) {
        int open = 0;
        int resumed = 0;
        for (Session session : node.node().sessions()) {
            if (session.state() == SessionState.OPEN || session.state() == SessionState.PAUSED) {
                open++;
                if (session.user() != null && session.user().mechanism().equals("RESUME")) {
                    resumed++;
                }
            }
        }
        return open + " " + resumed;
    }

    private static String describe(ClusterEngine cluster) {
        List<String> patterns = new ArrayList<>();
        List<String> services = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        List<ClusterView.MemberView> members = cluster.members();
        Map<String, Map<String, Integer>> announced = cluster.rpcServices();
        for (ClusterView.MemberView m : members) {
            if (!m.local()) {
                patterns.add(m.nodeName() + ":" + m.patterns());
                services.add(m.nodeName() + ":" + String.join("+", announced.getOrDefault(m.id(), Map.of()).keySet()));
            }
            sessions.add(m.nodeName() + ":" + m.sessions());
        }
        return "members=" + members.size() + " sent=" + cluster.counts().sentTotal() + " received="
                + cluster.counts().receivedTotal() + " patterns=" + String.join(",", patterns) + " services="
                + String.join(",", services) + " sessions=" + String.join(",", sessions);
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
