package io.aldis.feature.cluster.internal.command;

import io.aldis.feature.cluster.internal.ClusterView;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:cluster-routes}: for each other member, the interest it announced and the traffic with it. */
@Service
@Command(scope = "aldis", name = "cluster-routes",
        description = "Lists the routes to the other members: the patterns each announced, messages and bytes sent and received, last activity, and whether the link to each uses TLS")
public class ClusterRoutesCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    ClusterView cluster;

    @Override
    public Object execute() {
        String problem = cluster.problem();
        if (!problem.isEmpty()) {
            // Thrown so the console prints it and a script gets a non-zero exit.
            throw new IllegalStateException("Cluster " + cluster.clusterName() + ": " + problem);
        }
        List<ClusterView.RouteView> routes = cluster.routes();
        if (routes.isEmpty() && !noFormat) {
            System.out.println("No other member in cluster " + cluster.clusterName());
            return null;
        }
        print(routes, System.currentTimeMillis(), System.out, !noFormat);
        return null;
    }

    /** Prints the routes as the command does, formatted or as tab-separated lines. */
    public static void print(List<ClusterView.RouteView> routes, long now, PrintStream out, boolean format) {
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Address");
        table.column("Patterns").alignRight();
        table.column("Sent").alignRight();
        table.column("Bytes sent").alignRight();
        table.column("Dropped").alignRight();
        table.column("Received").alignRight();
        table.column("Bytes received").alignRight();
        table.column("Last activity").alignRight();
        // Cut for people reading a console, never for scripts reading --no-format.
        table.column("Interest").maxSize(format ? 80 : -1);
        table.column("Link");
        for (ClusterView.RouteView r : routes) {
            table.addRow().addContent(r.nodeName(), r.address(), r.interest().size(), r.sent(), r.bytesSent(),
                    r.dropped(), r.received(), r.bytesReceived(), ago(r.lastActivity(), now), String.join(", ", r.interest()), r.link());
        }
        table.print(out, format);
    }

    static String ago(long at, long now) {
        if (at <= 0) {
            return "never";
        }
        return ClusterListCommand.uptime(at, now) + " ago";
    }
}
