package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The RPC feature's shell commands against an OSGi service in the distribution (the {@link Calc}
 * bundle that {@link RpcFeatureIT} uses too): {@code aldis:rpc-list} shows its methods with their
 * parameter and result types and its provider, {@code aldis:rpc-call} prints a computed result, or
 * the error for a bad argument, an unknown method or a missed deadline, and {@code aldis:rpc-stats}
 * counts those calls per method.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RpcCommandsIT extends AldisKarafTestSupport {

    private static final String RPC_BUNDLE = "io.aldis.feature.rpc";
    private static final String CALC_BUNDLE = "io.aldis.itest.calc.commands";
    private static final String CALC_ACTIVATOR = "io.aldis.itest.karaf.CalcActivator";
    private static final String CALC_INTERFACE = "io.aldis.itest.karaf.Calc";

    private Bundle calc;

    @Before
    public void calcIsServed() throws Exception {
        awaitAldisBundlesActive();
        await(RPC_BUNDLE + " active", WAIT, () -> {
            Bundle b = bundle(RPC_BUNDLE);
            return b != null && b.getState() == Bundle.ACTIVE;
        });
        await("a frame handler for rpc", WAIT, () -> {
            try {
                ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(null, "(aldis.capability=rpc)");
                return refs != null && refs.length > 0;
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
        // The service bundle imports nothing of Aldis, only the OSGi framework.
        calc = TestBundles.install(bundleContext, CALC_BUNDLE, CALC_ACTIVATOR, "org.osgi.framework",
                List.of(CALC_ACTIVATOR, CALC_INTERFACE));
        calc.start();
        await("calc.add listed", WAIT, () -> executeCommand("aldis:rpc-list").contains("calc.add"));
    }

    @After
    public void removeCalc() {
        TestBundles.uninstallQuietly(calc);
    }

    @Test
    public void rpcListShowsTheMethodsWithTheirTypesAndProvider() {
        String output = executeCommand("aldis:rpc-list");
        List<String> add = ShellTables.row(output, cells -> cells.get(0).equals("calc.add"));
        assertNotNull("rpc-list shows calc.add:\n" + output, add);
        assertEquals("parameters with names and types:\n" + output, "a: int, b: int", add.get(1));
        assertEquals("result type:\n" + output, "int", add.get(2));
        assertEquals("provider:\n" + output, "osgi:" + CALC_BUNDLE, add.get(3));

        List<String> slow = ShellTables.row(output, cells -> cells.get(0).equals("calc.slow"));
        assertNotNull("rpc-list shows calc.slow:\n" + output, slow);
        assertEquals("no parameters:\n" + output, "", slow.get(1));
        assertEquals("result type:\n" + output, "String", slow.get(2));

        String only = executeCommand("aldis:rpc-list calc");
        assertNotNull("rpc-list calc keeps calc:\n" + only,
                ShellTables.row(only, cells -> cells.get(0).equals("calc.add")));
        String none = executeCommand("aldis:rpc-list nosuchservice");
        assertNull("rpc-list of another service leaves calc out:\n" + none,
                ShellTables.row(none, cells -> cells.get(0).startsWith("calc.")));

        // Stopping the service bundle withdraws its methods from the list.
        TestBundles.uninstallQuietly(calc);
        await("calc gone from rpc-list", WAIT, () -> !executeCommand("aldis:rpc-list").contains("calc."));
    }

    @Test
    public void rpcCallPrintsTheResultOrTheError() {
        assertEquals("5", executeCommand("aldis:rpc-call calc.add '[2, 3]'").strip());
        assertEquals("parameters by name", "-7", executeCommand("aldis:rpc-call calc.add '{\"a\": 4, \"b\": -11}'")
                .strip());

        String badArgument = executeFailingCommand("aldis:rpc-call calc.add '[\"two\", 3]'");
        assertTrue("a bad argument is an INVALID_PARAMS error:\n" + badArgument,
                badArgument.startsWith("error ") && badArgument.contains("INVALID_PARAMS"));
        assertTrue("the details name the parameter:\n" + badArgument, badArgument.contains("\"path\":\"a\""));
        String missing = executeFailingCommand("aldis:rpc-call calc.add '[2]'");
        assertTrue("a missing argument is an INVALID_PARAMS error:\n" + missing,
                missing.contains("INVALID_PARAMS") && missing.contains("\"path\":\"b\""));
        String notJson = executeFailingCommand("aldis:rpc-call calc.add 'not json'");
        assertTrue("parameters that are not JSON are an error:\n" + notJson, notJson.startsWith("error "));

        String unknown = executeFailingCommand("aldis:rpc-call calc.nosuchmethod '[]'");
        assertTrue("an unknown method is a METHOD_NOT_FOUND error:\n" + unknown,
                unknown.startsWith("error ") && unknown.contains("METHOD_NOT_FOUND")
                        && unknown.contains("nosuchmethod"));
        String unknownService = executeFailingCommand("aldis:rpc-call nosuchservice.add '[1, 2]'");
        assertTrue("an unknown service is a METHOD_NOT_FOUND error:\n" + unknownService,
                unknownService.contains("METHOD_NOT_FOUND"));
    }

    @Test
    public void rpcCallWithADeadlinePrintsDeadlineExceeded() throws Exception {
        CountDownLatch release = latch("release");
        try {
            String output = executeFailingCommand("aldis:rpc-call -t 500 calc.slow", WAIT);
            assertTrue("a call past its deadline is a DEADLINE_EXCEEDED error:\n" + output,
                    output.startsWith("error ") && output.contains("DEADLINE_EXCEEDED"));
        } finally {
            release.countDown();
        }
    }

    @Test
    public void rpcStatsCountsTheCallsOfEachMethod() {
        long[] before = stats("calc.add");
        executeCommand("aldis:rpc-call calc.add '[1, 2]'");
        executeCommand("aldis:rpc-call calc.add '[3, 4]'");
        executeCommand("aldis:rpc-call calc.add '[5, 6]'");
        executeFailingCommand("aldis:rpc-call calc.add '[\"x\", 6]'");

        long[] after = stats("calc.add");
        assertEquals("four more calls finished", before[0] + 4, after[0]);
        assertEquals("one more error", before[1] + 1, after[1]);
        assertEquals("none in flight", 0, after[2]);

        String output = executeCommand("aldis:rpc-stats");
        List<String> row = ShellTables.row(output, cells -> cells.get(0).equals("calc.add"));
        assertTrue("latency percentiles are numbers:\n" + output,
                row.get(4).matches("\\d+") && row.get(5).matches("\\d+"));
    }

    // ---------------------------------------------------------------- support

    /** Calls, errors and in-flight of the method in aldis:rpc-stats; zeros when it is not listed yet. */
    private long[] stats(String method) {
        String output = executeCommand("aldis:rpc-stats");
        List<String> row = ShellTables.row(output, cells -> cells.get(0).equals(method));
        if (row == null) {
            return new long[3];
        }
        return new long[] {Long.parseLong(row.get(1)), Long.parseLong(row.get(2)), Long.parseLong(row.get(3))};
    }

    /** A latch the running service bundle registered (plain JDK objects cross the class spaces). */
    private CountDownLatch latch(String name) throws InvalidSyntaxException {
        Collection<ServiceReference<CountDownLatch>> refs = bundleContext.getServiceReferences(CountDownLatch.class,
                "(" + CalcActivator.LATCH_PROPERTY + "=" + name + ")");
        assertEquals("one latch " + name, 1, refs.size());
        return bundleContext.getService(refs.iterator().next());
    }
}
