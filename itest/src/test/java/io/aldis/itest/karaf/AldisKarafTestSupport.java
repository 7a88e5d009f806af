package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import org.ops4j.pax.exam.CoreOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.aldis.client.AldisException;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.JdkWsFrameTransport;
import io.aldis.protocol.api.Capability;
import java.net.URI;
import java.util.EnumSet;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Base class of the tests that run inside the Aldis distribution: boots the real tar.gz built by
 * the distribution module, and offers shell commands, service waits and TCP port probes.
 *
 * <p>Every test also fails if Netty's leak detector (at paranoid level in the container) wrote
 * a {@code LEAK:} report to the Karaf log.
 */
public abstract class AldisKarafTestSupport {

    /** The port of the default TCP listener that the aldis-transport-tcp feature configures. */
    protected static final int DEFAULT_PORT = 7440;

    /** User and password of a JAAS user written to etc/users.properties before the boot. */
    protected static final String JAAS_USER = "jaasuser";
    protected static final String JAAS_PASSWORD = "jaas-Pa55word";

    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected static final List<String> ALDIS_BUNDLES = List.of(
            "io.aldis.protocol.api", "io.aldis.node.core", "io.aldis.feature.auth", "io.aldis.transport.tcp");

    @Inject
    protected BundleContext bundleContext;

    /**
     * Registered by Karaf once its boot features are installed, which the distribution does in the
     * background: before that, a boot feature's bundles may already run while the features service
     * does not yet count the feature installed, and {@code feature:uninstall} refuses it. Injecting
     * it makes every test wait for the boot to finish.
     */
    @Inject
    @org.ops4j.pax.exam.util.Filter(timeout = 180_000)
    protected BootFinished bootFinished;

    @Inject
    protected SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        // -Daldis.itest.distribution=<url> runs the tests against another build of the tar.gz;
        // otherwise the file Maven resolved for this build (the reactor's own output), and last
        // the local repository.
        String distribution = firstNonBlank(System.getProperty("aldis.itest.distribution"),
                fileUrl(System.getProperty("aldis.itest.distribution.file")),
                maven("io.aldis", "aldis-distribution").type("tar.gz").versionAsInProject().getURL());
        String client = firstNonBlank(fileUrl(System.getProperty("aldis.itest.client.file")),
                maven("io.aldis", "io.aldis.client").versionAsInProject().getURL());
        File unpack = new File(System.getProperty("aldis.itest.dir", "target"), "exam");
        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(distribution)
                        .name("Aldis")
                        .unpackDirectory(unpack),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                // Netty reports every leaked buffer; the tests fail on any report.
                editConfigurationFilePut("etc/system.properties", "io.netty.leakDetection.level", "paranoid"),
                // Other Karaf instances may run on this machine: no fixed SSH or JMX ports.
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort",
                        Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort",
                        Integer.toString(freePort())),
                // A user of the default JAAS realm, for PLAIN authentication.
                editConfigurationFilePut("etc/users.properties", JAAS_USER, JAAS_PASSWORD + ",viewer"),
                // The Java client, used by the tests as a remote application would.
                CoreOptions.bundle(client)));
        String localRepository = System.getProperty("maven.repo.local");
        if (localRepository != null && !localRepository.isBlank()) {
            options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", localRepository));
        }
        options.addAll(Arrays.asList(extraOptions()));
        return options.toArray(new Option[0]);
    }

    private static String fileUrl(String path) {
        if (path == null || path.isBlank() || path.startsWith("${")) {
            return null;
        }
        File file = new File(path);
        return file.isFile() ? file.toURI().toString() : null;
    }

    private static String firstNonBlank(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        throw new IllegalStateException("no candidate");
    }

    /** Options a test class adds to the common ones. */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /**
     * Jackson installed on its own, for test classes that uninstall aldis-rpc. The Java client runs
     * inside the container here and wires to Jackson when it is present. Jackson comes with
     * aldis-rpc, so uninstalling the feature would take it away and refresh the client, and with it
     * the test. A remote application has its own Jackson: keep one in the container that does not
     * belong to the feature.
     */
    /** What a bare WebSocket session announces in CONNECT: pub/sub, messages and resume tokens. */
    protected static final long WEB_SOCKET_CAPABILITIES = Capability.maskOf(EnumSet.of(Capability.PUBSUB,
            Capability.MESSAGES, Capability.RESUME_TOKEN));

    /**
     * A bare protocol session over the JDK's WebSocket client, as a browser opens one: the tests'
     * one {@link FrameClient}, which here answers the node's PINGs as they arrive and waits up to
     * 30 s for a frame. It uses only the JDK and the API bundle's frames and codec, nothing of the
     * WebSocket transport's bundles, which a test may uninstall under an open session.
     */
    protected static FrameClient openWebSocket(int port, String path) throws IOException {
        return FrameClient.over(JdkWsFrameTransport.open(URI.create("ws://127.0.0.1:" + port + path)))
                .answerPingsOnArrival()
                .waitMillis(30_000);
    }

    /** The JDK WebSocket under a session from {@link #openWebSocket}, for its close status and subprotocol. */
    protected static JdkWsFrameTransport webSocketOf(FrameClient session) {
        return session.transport(JdkWsFrameTransport.class);
    }

    protected static Option[] jacksonOutsideTheFeatures() {
        return new Option[] {
            mavenBundle("com.fasterxml.jackson.core", "jackson-annotations").versionAsInProject(),
            mavenBundle("com.fasterxml.jackson.core", "jackson-core").versionAsInProject(),
            mavenBundle("com.fasterxml.jackson.core", "jackson-databind").versionAsInProject(),
        };
    }

    @After
    public void noNettyLeakReported() throws IOException {
        // Leaks are detected when a buffer is collected: give the detector a chance first.
        System.gc();
        System.runFinalization();
        Path log = karafLog();
        if (Files.exists(log)) {
            List<String> leaks = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("LEAK:"))
                    .toList();
            assertEquals("Netty leak reports in " + log, List.of(), leaks);
        }
    }

    protected static Path karafLog() {
        return Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
    }

    protected static Path karafEtc() {
        return Paths.get(System.getProperty("karaf.etc"));
    }

    // ---------------------------------------------------------------- shell

    /** Runs a shell command as an administrator and returns what it printed. */
    protected String executeCommand(String command) {
        return executeCommand(command, Duration.ofSeconds(30));
    }

    protected String executeCommand(String command, Duration timeout) {
        return executeCommandAs(command, timeout, "admin", "manager", "viewer", "systembundles");
    }

    /** Runs a shell command as a console user with only these roles, and returns what it printed. */
    protected String executeCommandAs(String command, Duration timeout, String... roles) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("itest"));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Future<Object> result = executor.submit(() -> Subject.doAs(subject,
                    (PrivilegedExceptionAction<Object>) () -> session.execute(command)));
            result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            throw new AssertionError("command did not finish in " + timeout + ": " + command
                    + "\noutput so far:\n" + bytes.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("command failed: " + command + "\noutput:\n"
                    + bytes.toString(StandardCharsets.UTF_8), e);
        } finally {
            session.close();
            executor.shutdownNow();
        }
    }

    /**
     * Runs a shell command that must fail, and returns the message the console prints for it
     * (the command throws, so a script over ssh gets a non-zero exit status).
     */
    protected String executeFailingCommand(String command) {
        return executeFailingCommand(command, Duration.ofSeconds(30));
    }

    protected String executeFailingCommand(String command, Duration timeout) {
        try {
            String output = executeCommand(command, timeout);
            throw new AssertionError("expected " + command + " to fail, but it printed:\n" + output);
        } catch (AssertionError e) {
            if (e.getCause() == null || e.getCause() instanceof AssertionError) {
                throw e;
            }
            Throwable failure = e.getCause();
            while ((failure instanceof java.util.concurrent.ExecutionException
                    || failure instanceof java.security.PrivilegedActionException) && failure.getCause() != null) {
                failure = failure.getCause();
            }
            return String.valueOf(failure.getMessage());
        }
    }

    // ---------------------------------------------------------------- OSGi

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** Waits until every Aldis bundle of the boot features is ACTIVE. */
    protected void awaitAldisBundlesActive() {
        for (String name : ALDIS_BUNDLES) {
            await("bundle " + name + " ACTIVE", WAIT, () -> {
                Bundle b = bundle(name);
                return b != null && b.getState() == Bundle.ACTIVE;
            });
        }
    }

    /** Waits for a service matching the class and an optional LDAP filter, and returns it. */
    protected <T> T awaitService(Class<T> type, String filter, Duration timeout) {
        String spec = "(objectClass=" + type.getName() + ")";
        if (filter != null && !filter.isBlank()) {
            spec = "(&" + spec + filter + ")";
        }
        Filter osgiFilter;
        try {
            osgiFilter = FrameworkUtil.createFilter(spec);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, osgiFilter, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                fail("no service " + spec + " within " + timeout);
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            tracker.close();
        }
    }

    /** Whether a frame handler announcing the capability is registered, looked up by name only (no feature class is loaded). */
    protected boolean capabilityServed(String capability) {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null,
                    "(aldis.capability=" + capability + ")");
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Waits until a frame handler serves {@code capability}, so the node announces it. */
    protected void awaitCapability(String capability) {
        await("a frame handler for " + capability, WAIT, () -> capabilityServed(capability));
    }

    // ---------------------------------------------------------------- clients

    /** The AldisException a client's future fails with; fails the test if it succeeds or fails otherwise. */
    protected static AldisException failureOf(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(30, TimeUnit.SECONDS);
            fail("expected a failure, got " + value);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AldisException failure) {
                return failure;
            }
            throw new AssertionError("unexpected failure", e.getCause());
        }
    }

    // ---------------------------------------------------------------- TCP

    /** Whether something accepts a TCP connection on the loopback port. */
    protected static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    protected static void awaitPortOpen(int port) {
        await("port " + port + " accepting connections", WAIT, () -> accepts(port));
    }

    /** Ports that never opened in this container: later tests fail at once instead of waiting again. */
    private static final java.util.Set<Integer> NEVER_OPENED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Waits for the node's listener on the port, once per container. */
    protected static void awaitListener(int port) {
        if (NEVER_OPENED.contains(port)) {
            fail("port " + port + " did not accept connections in an earlier test of this container");
        }
        try {
            awaitPortOpen(port);
        } catch (AssertionError e) {
            NEVER_OPENED.add(port);
            throw e;
        }
    }

    protected static void awaitPortClosed(int port) {
        await("port " + port + " refusing connections", WAIT, () -> !accepts(port));
    }

    /** A loopback port that nothing listens on right now. */
    protected static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- waiting

    protected static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    protected static void assertNotContains(String text, String unexpected) {
        assertFalse("did not expect '" + unexpected + "' in:\n" + text, text.contains(unexpected));
    }
}
