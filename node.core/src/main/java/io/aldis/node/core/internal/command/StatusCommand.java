package io.aldis.node.core.internal.command;

import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.transport.Listener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * {@code aldis:status}: the node's vital signs at a glance: sessions by state, listeners and
 * their problems, connections against the open-file limit, heap, threads and uptime.
 */
@Service
@Command(scope = "aldis", name = "status", description = "Shows the node's vital signs: sessions, listeners, "
        + "open files against their limit, heap, threads and uptime")
public class StatusCommand implements Action {
    @Reference
    SessionRegistry registry;

    @Reference
    BundleContext context;

    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;

    @Override
    public Object execute() throws InvalidSyntaxException {
        ShellTable table = new ShellTable();
        table.column("Sign");
        table.column("Value");
        for (Map.Entry<String, String> sign : signs().entrySet()) {
            table.addRow().addContent(sign.getKey(), sign.getValue());
        }
        table.print(System.out, !noFormat);
        return null;
    }

    /** The signs in the order they are shown. */
    Map<String, String> signs() throws InvalidSyntaxException {
        Map<String, String> signs = new LinkedHashMap<>();
        Collection<Session> sessions = registry.sessions();
        Map<String, Integer> byState = new TreeMap<>();
        for (Session s : sessions) {
            byState.merge(s.state().toString(), 1, Integer::sum);
        }
        signs.put("sessions", sessions.size() + (byState.isEmpty() ? "" : " " + byState));
        listeners(signs);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        String files = openFiles();
        if (files != null) {
            signs.put("open files", files);
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        signs.put("heap", mib(heap.getUsed()) + " used of " + mib(heap.getMax()));
        signs.put("threads", Integer.toString(ManagementFactory.getThreadMXBean().getThreadCount()));
        signs.put("load", String.format(Locale.ROOT, "%.2f on %d processors", os.getSystemLoadAverage(),
                os.getAvailableProcessors()));
        signs.put("uptime", SessionListCommand.formatAge(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime())));
        return signs;
    }

    private void listeners(Map<String, String> signs) throws InvalidSyntaxException {
        List<ServiceReference<Listener>> refs = List.copyOf(context.getServiceReferences(Listener.class, null));
        int connections = 0;
        int limit = 0;
        int troubled = 0;
        for (ServiceReference<Listener> ref : refs) {
            Listener l = context.getService(ref);
            if (l == null) {
                continue;
            }
            try {
                connections += l.connections();
                limit += l.maxConnections();
                if (ref.getProperty(Listener.PROBLEM_PROPERTY) != null) {
                    troubled++;
                }
            } finally {
                context.ungetService(ref);
            }
        }
        signs.put("listeners", refs.size() + (troubled == 0 ? ", all listening"
                : ", " + troubled + " with a problem (aldis:listener-list)"));
        signs.put("connections", connections + " of " + limit);
    }

    /**
     * Open files against the process's limit, read as platform MBean attributes so that the bundle
     * does not import the JDK's com.sun.management package; null where the JVM does not tell.
     */
    private static String openFiles() {
        try {
            ObjectName os = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return server.getAttribute(os, "OpenFileDescriptorCount") + " of "
                    + server.getAttribute(os, "MaxFileDescriptorCount");
        } catch (JMException | RuntimeException notOnThisJvm) {
            return null;
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : (bytes >> 20) + " MiB";
    }
}
