package io.aldis.node.core.internal.jmx;

import io.aldis.protocol.api.spi.transport.Listener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The {@link ListenersMXBean} over the Listener services every transport registers. */
public final class RegisteredListeners implements ListenersMXBean {
    private final BundleContext context;

    public RegisteredListeners(BundleContext context) {
        this.context = context;
    }

    /** The listeners of every transport, by transport and name. */
    @Override
    public List<ListenerRow> getListeners() {
        List<ListenerRow> rows = new ArrayList<>();
        try {
            for (ServiceReference<Listener> ref : context.getServiceReferences(Listener.class, null)) {
                Listener l = context.getService(ref);
                if (l == null) {
                    continue;
                }
                try {
                    Object problem = ref.getProperty(Listener.PROBLEM_PROPERTY);
                    rows.add(new ListenerRow(l.name(), l.transport(), l.host(), l.port(), l.secure(), l.connections(),
                            l.maxConnections(), problem == null ? "" : problem.toString()));
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException stopping) {
            return rows;
        }
        rows.sort(Comparator.comparing(ListenerRow::getTransport).thenComparing(ListenerRow::getName));
        return rows;
    }
}
