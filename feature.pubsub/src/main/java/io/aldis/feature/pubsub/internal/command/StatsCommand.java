package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.internal.PubSubAdmin;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:stats}: the pub/sub counters (the same as the JMX MBean), optionally per session and per message type. */
@Service
@Command(scope = "aldis", name = "stats", description = "Shows publish/subscribe and typed-message counters")
public class StatsCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    PubSubAdmin admin;

    @Option(name = "--sessions", description = "Also show the counters of each session")
    boolean sessions;

    @Option(name = "--types", description = "Also show which handler serves each message type")
    boolean types;

    @Override
    public Object execute() {
        PubSubView view = admin.view();
        ShellTable table = new ShellTable();
        table.column("Counter");
        table.column("Value").alignRight();
        for (Map.Entry<String, Long> e : view.counters().entrySet()) {
            table.addRow().addContent(e.getKey(), e.getValue());
        }
        table.print(System.out, !noFormat);
        if (sessions) {
            ShellTable s = new ShellTable();
            s.column("Session");
            s.column("User");
            s.column("Subscriptions").alignRight();
            s.column("Published").alignRight();
            s.column("Delivered").alignRight();
            s.column("Dropped").alignRight();
            s.column("Rate limited").alignRight();
            s.column("Errors").alignRight();
            s.column("Pending bytes").alignRight();
            for (PubSubView.SessionView v : view.sessions()) {
                s.addRow().addContent(v.sessionId(), v.user(), v.subscriptions(), v.published(), v.delivered(),
                        v.dropped(), v.rateLimited(), v.errors(), v.pendingBytes());
            }
            System.out.println();
            s.print(System.out, !noFormat);
        }
        if (types) {
            ShellTable t = new ShellTable();
            t.column("Message type");
            t.column("Handler");
            t.column("Ranking").alignRight();
            t.column("Candidates").alignRight();
            for (PubSubView.TypeView v : view.messageTypes()) {
                t.addRow().addContent(v.type(), v.handler(), v.ranking(), v.contenders());
            }
            System.out.println();
            t.print(System.out, !noFormat);
        }
        return null;
    }
}
