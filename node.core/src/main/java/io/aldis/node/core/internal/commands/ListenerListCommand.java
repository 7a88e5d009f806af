package io.aldis.node.core.internal.commands;

import io.aldis.spi.transport.Listener;
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
@Command(scope = "aldis", name = "listener-list", description = "Lists the node's listeners (one per transport configuration)")
public class ListenerListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    BundleContext context;

    @Override
    public Object execute() throws InvalidSyntaxException {
        List<Listener> listeners = new ArrayList<>();
        List<ServiceReference<Listener>> refs = new ArrayList<>(context.getServiceReferences(Listener.class, null));
        for (ServiceReference<Listener> ref : refs) {
            Listener l = context.getService(ref);
            if (l != null) {
                listeners.add(l);
            }
        }
        try {
            listeners.sort(Comparator.comparing(Listener::transport).thenComparing(Listener::name));
            ShellTable table = new ShellTable();
            table.column("Name");
            table.column("Transport");
            table.column("Host");
            table.column("Port").alignRight();
            table.column("TLS");
            table.column("Connections").alignRight();
            table.column("Max").alignRight();
            for (Listener l : listeners) {
                table.addRow().addContent(l.name(), l.transport(), l.host(), l.port(), l.secure() ? "yes" : "no",
                        l.connections(), l.maxConnections());
            }
            table.print(System.out, !noFormat);
        } finally {
            for (ServiceReference<Listener> ref : refs) {
                context.ungetService(ref);
            }
        }
        return null;
    }
}
