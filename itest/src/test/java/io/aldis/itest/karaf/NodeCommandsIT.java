package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.inject.Inject;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What only the distribution shows about the aldis: commands: a failing command gives a script
 * that runs it through {@code bin/client} a non-zero exit status and the error, {@code --no-format}
 * prints rows a script can split, {@code help aldis:} lists the commands of every Aldis bundle, and
 * the shipped command ACL keeps commands that change sessions and users to administrators; and a
 * bad value in a listener's or a feature's file is refused in one line while the settings in force
 * stay.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeCommandsIT extends AldisKarafTestSupport {

    @Inject
    private ConfigurationAdmin configAdmin;

    private static final String SCRIPT_USER = "scripter";
    private static final String SCRIPT_PASSWORD = "scr1pt-Pa55word";
    private static final String VIEWER_USER = "watcher";
    private static final String VIEWER_PASSWORD = "watch-Pa55word";

    @Override
    protected Option[] extraOptions() {
        // Console users as the README tells an operator to add them, with the groups the
        // distribution's etc/users.properties defines.
        return new Option[] {
            editConfigurationFilePut("etc/users.properties", SCRIPT_USER, SCRIPT_PASSWORD + ",_g_:admingroup"),
            editConfigurationFilePut("etc/users.properties", VIEWER_USER, VIEWER_PASSWORD + ",_g_:viewergroup"),
        };
    }

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        await("aldis:rpc-list registered", WAIT, () -> {
            try {
                executeCommand("aldis:rpc-list");
                return true;
            } catch (AssertionError notYet) {
                return false;
            }
        });
    }

    @Test
    public void aFailingCommandGivesAScriptTheErrorAndANonZeroExitStatus() throws Exception {
        ConsoleClient failed = client(SCRIPT_USER, SCRIPT_PASSWORD, "aldis:session-kill " + UUID.randomUUID());
        assertEquals("exit status of a failed command:\n" + failed.output(), 1, failed.exitStatus());
        assertTrue("the error is printed:\n" + failed.output(), failed.output().contains("No open session with id"));

        ConsoleClient listed = client(SCRIPT_USER, SCRIPT_PASSWORD, "aldis:listener-list --no-format");
        assertEquals("exit status of a command that worked:\n" + listed.output(), 0, listed.exitStatus());
        assertTrue("no header:\n" + listed.output(), !listed.output().contains("Transport"));
        List<List<String>> tcp = listed.output().lines()
                .map(line -> Arrays.stream(line.split("\t")).map(String::strip).toList())
                .filter(cells -> cells.size() > 3 && cells.get(1).equals("tcp"))
                .toList();
        assertEquals("one bare, tab-separated row for the TCP listener:\n" + listed.output(), 1, tcp.size());
        assertEquals(String.valueOf(DEFAULT_PORT), tcp.get(0).get(3));
    }

    @Test
    public void failuresInTheConsoleAreErrorsNotPrintedText() {
        String error = executeFailingCommand("aldis:session-kill not-a-session");
        assertTrue(error, error.startsWith("Not a session id: not-a-session"));
        error = executeFailingCommand("aldis:user-remove nosuchuser");
        assertTrue(error, error.contains("No user nosuchuser"));
        error = executeFailingCommand("aldis:acl-check alice mqtt publish x");
        assertTrue(error, error.contains("Unknown domain mqtt"));
    }

    @Test
    public void helpWithTheScopeListsTheCommandsOfEveryAldisBundle() {
        String help = executeCommand("help aldis:");
        for (String command : List.of("aldis:listener-list", "aldis:session-kill", "aldis:user-add", "aldis:acl-check",
                "aldis:tail", "aldis:publish", "aldis:rpc-call", "aldis:rpc-list")) {
            assertTrue(command + " in help aldis::\n" + help, help.contains(command));
        }
    }

    @Test
    public void theCommandAclKeepsSessionAndUserChangesToAdministrators() throws Exception {
        String refused = executeFailingCommand("aldis:session-kill " + UUID.randomUUID());
        assertTrue("an administrator gets past the ACL to the command's own error:\n" + refused,
                refused.contains("No open session with id"));

        for (String command : List.of("aldis:session-kill " + UUID.randomUUID(), "aldis:user-add -p long-enough-pw eve",
                "aldis:user-remove admin", "aldis:user-passwd -p long-enough-pw admin")) {
            ConsoleClient viewer = client(VIEWER_USER, VIEWER_PASSWORD, command);
            assertEquals("a viewer is refused " + command + ":\n" + viewer.output(), 1, viewer.exitStatus());
            // Karaf hides a command its ACL refuses to a user: to the viewer it does not exist.
            assertTrue("refused by the ACL, not by the command:\n" + viewer.output(),
                    viewer.output().contains("Command not found") || viewer.output().contains("Insufficient credentials"));
        }
        assertTrue("eve was not added", !executeCommand("aldis:user-list").contains("eve"));
        assertTrue("the admin user is still there", executeCommand("aldis:user-list").contains("admin"));
        ConsoleClient listed = client(VIEWER_USER, VIEWER_PASSWORD, "aldis:session-list");
        assertEquals("a viewer may list:\n" + listed.output(), 0, listed.exitStatus());
    }

    @Test
    public void jmxShowsTheNodeItsSessionsAndListenersUnderOneNamingScheme() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        await("the node's MBeans", WAIT, () -> server.queryNames(pattern("io.aldis:type=node,*"), null).size() == 1);
        Set<String> types = new TreeSet<>();
        for (ObjectName name : server.queryNames(pattern("io.aldis:*"), null)) {
            assertNotNull("every Aldis MBean has a name key: " + name, name.getKeyProperty("name"));
            types.add(name.getKeyProperty("type"));
        }
        assertTrue("node, sessions, authentication, listeners and the features: " + types,
                types.containsAll(List.of("node", "sessions", "authentication", "listeners", "feature")));

        ObjectName authentication = server.queryNames(pattern("io.aldis:type=authentication,*"), null).iterator().next();
        long failedBefore = (Long) server.getAttribute(authentication, "FailedAttempts");
        try {
            RecordingListener.closeQuietly(RecordingListener.connect(DEFAULT_PORT, "nobody-" + System.nanoTime(),
                    "not-the-password", null));
            fail("a login of an unknown user succeeded");
        } catch (java.util.concurrent.ExecutionException refused) {
            // the failure is what is counted
        }
        await("the failed login counted", WAIT, () -> {
            try {
                return (Long) server.getAttribute(authentication, "FailedAttempts") > failedBefore;
            } catch (JMException e) {
                throw new IllegalStateException(e);
            }
        });

        ObjectName node = server.queryNames(pattern("io.aldis:type=node,*"), null).iterator().next();
        MBeanInfo info = server.getMBeanInfo(node);
        assertEquals("The Aldis node", info.getDescription());
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            assertTrue("a description of " + attribute.getName(), !attribute.getDescription().equals(attribute.getName()));
        }
        assertTrue((Integer) server.getAttribute(node, "OpenSessions") >= 0);

        ObjectName listeners = server.queryNames(pattern("io.aldis:type=listeners,*"), null).iterator().next();
        CompositeData[] rows = (CompositeData[]) server.getAttribute(listeners, "Listeners");
        CompositeData tcp = Arrays.stream(rows).filter(r -> "tcp".equals(r.get("transport"))
                && "default".equals(r.get("name"))).findFirst().orElseThrow();
        assertEquals("labelled items, not strings", DEFAULT_PORT, tcp.get("port"));
        // Empty while it listens; another program on the machine may hold the default port.
        assertTrue("the problem is a labelled text item", tcp.get("problem") instanceof String);
    }

    private static ObjectName pattern(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    public void statusShowsTheVitalSignsAtAGlance() {
        String output = executeCommand("aldis:status --no-format");
        Map<String, String> signs = new java.util.HashMap<>();
        output.lines().map(line -> line.split("\t")).filter(cells -> cells.length == 2)
                .forEach(cells -> signs.put(cells[0].strip(), cells[1].strip()));
        assertEquals("the signs, in order:\n" + output,
                List.of("sessions", "listeners", "connections", "open files", "heap", "threads", "load", "uptime"),
                output.lines().map(line -> line.split("\t")[0].strip()).toList());
        assertTrue(output, signs.get("open files").matches("\\d+ of \\d+"));
        assertTrue(output, signs.get("heap").matches("\\d+ MiB used of \\d+ MiB"));
    }

    @Test
    public void listenerListShowsWhyAListenerDoesNotListenAndWhatIsInForce() throws Exception {
        Configuration config = configAdmin.createFactoryConfiguration("io.aldis.transport.tcp", "?");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            config.update(new Hashtable<>(Map.of("name", "probe", "port", Integer.toString(port))));
            List<String> row = awaitListenerRow("probe", cells -> cells.get(7).contains("cannot listen"));
            assertTrue("a port in use is named:\n" + row, row.get(7).contains("cannot listen on 127.0.0.1:" + port + ": "));
        }
        int free = freePort();
        config.update(new Hashtable<>(Map.of("name", "probe", "port", Integer.toString(free))));
        awaitListenerRow("probe", cells -> cells.get(7).equals("ok"));
        awaitPortOpen(free);

        config.update(new Hashtable<>(Map.of("name", "probe", "port", "abc", "maxConnections", "5")));
        List<String> rejected = awaitListenerRow("probe", cells -> cells.get(7).startsWith("rejected"));
        assertTrue("the rejection names the key and value, and nothing else:\n" + rejected,
                rejected.get(7).contains("port = abc: not a whole number (0..65535)"));
        assertEquals("the settings in force stay:\n" + rejected, String.valueOf(free), rejected.get(3));
        assertEquals("the settings in force stay:\n" + rejected, "8000", rejected.get(6));
        assertTrue("the listener still accepts connections", accepts(free));
        String log = Files.readString(karafLog(), StandardCharsets.UTF_8);
        assertTrue("the rejection is logged in one line:\n" + log, log.contains(
                "port = abc: not a whole number (0..65535); the listener keeps the settings it runs with"));
        config.delete();
    }

    @Test
    public void aBadValueInAFeatureFileIsRefusedInOneLogLineAndTheSettingsInForceStay() throws Exception {
        Path file = karafEtc().resolve("io.aldis.pubsub.cfg");
        String shipped = Files.readString(file, StandardCharsets.UTF_8);
        String longSubject = "cfg.check.longer.than.sixteen";
        String rejection = "etc/io.aldis.pubsub.cfg: maxSubjectLength = -1: must be at least 1; "
                + "the settings in force stay";
        try {
            Files.writeString(file, shipped + "\nmaxSubjectLength = 16\n", StandardCharsets.UTF_8);
            await("maxSubjectLength = 16 in force", WAIT,
                    () -> publishRefusal(longSubject).contains("longer than 16 characters"));

            Files.writeString(file, shipped + "\nmaxSubjectLength = -1\n", StandardCharsets.UTF_8);
            await("the rejection in the log", WAIT, () -> logLines().stream().anyMatch(l -> l.contains(rejection)));
            List<String> lines = logLines();
            int at = lines.size() - 1;
            while (!lines.get(at).contains(rejection)) {
                at--;
            }
            String next = at + 1 < lines.size() ? lines.get(at + 1) : "";
            assertTrue("one line, no stack trace after it:\n" + lines.subList(at, lines.size()),
                    !next.startsWith("\tat ") && !next.contains("Exception"));
            assertTrue("the limit in force stays, not the default",
                    publishRefusal(longSubject).contains("longer than 16 characters"));
            assertEquals("pub/sub goes on serving", "", publishRefusal("cfg.check"));
        } finally {
            Files.writeString(file, shipped, StandardCharsets.UTF_8);
        }
    }

    /** Why aldis:publish refused a message on this subject, or "" when it published it. */
    private String publishRefusal(String subject) {
        try {
            String output = executeCommand("aldis:publish " + subject + " hello");
            assertTrue(output, output.contains("Published on " + subject));
            return "";
        } catch (AssertionError e) {
            return String.valueOf(e.getCause());
        }
    }

    private static List<String> logLines() {
        try {
            return Files.readAllLines(karafLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<String> awaitListenerRow(String name, java.util.function.Predicate<List<String>> condition) {
        List<List<String>> found = new java.util.ArrayList<>();
        await("listener " + name + " in the wanted state", WAIT, () -> {
            String output = executeCommand("aldis:listener-list --no-format");
            List<String> row = output.lines()
                    .map(line -> Arrays.stream(line.split("\t")).map(String::strip).toList())
                    .filter(cells -> cells.size() > 7 && cells.get(0).equals(name))
                    .findFirst().orElse(null);
            if (row != null && condition.test(row)) {
                found.add(row);
                return true;
            }
            return false;
        });
        return found.get(0);
    }

    /** One command piped to bin/client, as the README says, logged in on the console's SSH port. */
    private ConsoleClient client(String user, String password, String command) throws IOException, InterruptedException {
        Properties shell = new Properties();
        try (InputStream in = Files.newInputStream(karafEtc().resolve("org.apache.karaf.shell.cfg"))) {
            shell.load(in);
        }
        ConsoleClient done = ConsoleClient.run(Paths.get(System.getProperty("karaf.home")),
                Integer.parseInt(shell.getProperty("sshPort").strip()), user, password, command, WAIT);
        assertNotNull(done.output());
        return done;
    }

}
