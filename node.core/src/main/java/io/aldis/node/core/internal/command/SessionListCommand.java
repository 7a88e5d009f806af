package io.aldis.node.core.internal.command;

import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:session-list}: the node's sessions with their traffic. */
@Service
@Command(scope = "aldis", name = "session-list", description = "Lists the sessions of the node, oldest first")
public class SessionListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    SessionRegistry registry;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("User");
        table.column("Transport");
        table.column("Remote");
        table.column("Age").alignRight();
        table.column("Bytes in").alignRight();
        table.column("Bytes out").alignRight();
        table.column("State");
        List<Session> sessions = registry.sessions().stream()
                .sorted(Comparator.comparing(Session::openedAt)).toList();
        Instant now = Instant.now();
        for (Session s : sessions) {
            SessionStats stats = registry.stats(s);
            InetSocketAddress remote = s.connection().remoteAddress();
            table.addRow().addContent(s.id(), s.user() == null ? "-" : s.user().name(),
                    s.connection().transport() + "/" + s.connection().listener() + (s.connection().secure() ? "+tls" : ""),
                    remote == null ? "-" : remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                    formatAge(Duration.between(s.openedAt(), now)), stats.bytesIn(), stats.bytesOut(), s.state());
        }
        table.print(System.out, !noFormat);
        return null;
    }

    static String formatAge(Duration age) {
        long seconds = age.getSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
        }
        return String.format("%dd%02dh", seconds / 86_400, (seconds % 86_400) / 3600);
    }
}
