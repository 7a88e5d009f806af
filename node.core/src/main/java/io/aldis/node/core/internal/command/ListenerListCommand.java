package io.aldis.node.core.internal.command;

import io.aldis.protocol.api.spi.transport.Listener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** {@code aldis:listener-list}: the listeners of every installed transport. */
@Service
@Command(scope = "aldis", name = "listener-list", description = "Lists the node's listeners with the settings in force; Status tells when a listener's file was rejected or its address could not be bound")
public class ListenerListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    BundleContext context;

    @Override
    public Object execute() throws InvalidSyntaxException {
        List<Shown> listeners = new ArrayList<>();
        List<ServiceReference<Listener>> refs = new ArrayList<>(context.getServiceReferences(Listener.class, null));
        for (ServiceReference<Listener> ref : refs) {
            Listener l = context.getService(ref);
            if (l != null) {
                Object problem = ref.getProperty(Listener.PROBLEM_PROPERTY);
                listeners.add(new Shown(l, problem == null ? "" : problem.toString()));
            }
        }
        try {
            listeners.sort(Comparator.comparing((Shown s) -> s.listener().transport())
                    .thenComparing(s -> s.listener().name()));
            ShellTable table = new ShellTable();
            table.column("Name");
            table.column("Transport");
            table.column("Host");
            table.column("Port").alignRight();
            table.column("TLS");
            table.column("Connections").alignRight();
            table.column("Max").alignRight();
            table.column("Status");
            for (Shown s : listeners) {
                Listener l = s.listener();
                table.addRow().addContent(l.name(), l.transport(), l.host(), l.port(), l.secure() ? "yes" : "no",
                        l.connections(), l.maxConnections(), s.problem().isEmpty() ? "ok" : s.problem());
            }
            table.print(System.out, !noFormat);
        } finally {
            for (ServiceReference<Listener> ref : refs) {
                context.ungetService(ref);
            }
        }
        return null;
    }

    /** A listener with what is wrong with it (empty when nothing is); the columns show what is in force. */
    private record Shown(Listener listener, String problem) {
    }
}
