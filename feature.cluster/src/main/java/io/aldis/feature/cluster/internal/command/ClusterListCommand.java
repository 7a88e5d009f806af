package io.aldis.feature.cluster.internal.command;

import io.aldis.feature.cluster.internal.ClusterView;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:cluster-list}: the members of the cluster as this node sees them. */
@Service
@Command(scope = "aldis", name = "cluster-list",
        description = "Lists the cluster's members: node name, address, state, uptime, announced patterns and messages exchanged")
public class ClusterListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    ClusterView cluster;

    @Override
    public Object execute() {
        String problem = cluster.problem();
        List<ClusterView.MemberView> members = cluster.members();
        if (!problem.isEmpty() && members.isEmpty()) {
            // Thrown so the console prints it and a script gets a non-zero exit.
            throw new IllegalStateException("Cluster " + cluster.clusterName() + ": " + problem);
        }
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Address");
        table.column("State");
        table.column("Sessions").alignRight();
        table.column("Uptime").alignRight();
        table.column("Patterns").alignRight();
        table.column("Sent").alignRight();
        table.column("Received").alignRight();
        table.column("Member id");
        long now = System.currentTimeMillis();
        for (ClusterView.MemberView m : members) {
            table.addRow().addContent(m.nodeName(), m.address(), m.local() ? "this node" : "member",
                    m.sessions() < 0 ? "?" : m.sessions(), uptime(m.startedAt(), now), m.patterns(), m.local() ? "-" : m.sent(),
                    m.local() ? "-" : m.received(), m.id());
        }
        table.print(System.out, !noFormat);
        return null;
    }

    static String uptime(long startedAt, long now) {
        if (startedAt <= 0) {
            return "?";
        }
        Duration d = Duration.ofMillis(Math.max(0, now - startedAt));
        if (d.toDays() > 0) {
            return d.toDays() + "d" + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
}
