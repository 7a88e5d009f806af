package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.internal.PubSubAdmin;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import java.util.Comparator;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:subscription-list}: every subscription with its policy, budget and counters. */
@Service
@Command(scope = "aldis", name = "subscription-list", description = "Lists subscriptions with their slow-consumer policy, outbound budget and counters")
public class SubscriptionListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    PubSubAdmin admin;

    @Option(name = "--subject", description = "Only subscriptions whose pattern contains this text")
    String filter;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Owner");
        table.column("Id").alignRight();
        table.column("Pattern");
        table.column("Queue");
        table.column("Policy");
        table.column("Budget").alignRight();
        table.column("Pending").alignRight();
        table.column("Max pending").alignRight();
        table.column("Paused pubs").alignRight();
        table.column("Delivered").alignRight();
        table.column("Dropped").alignRight();
        for (PubSubView.SubscriptionView s : admin.view().subscriptions().stream()
                .filter(s -> filter == null || s.pattern().contains(filter))
                .sorted(Comparator.comparing(PubSubView.SubscriptionView::owner)
                        .thenComparingLong(PubSubView.SubscriptionView::id))
                .toList()) {
            table.addRow().addContent(s.owner(), s.id(), s.pattern(), s.queueGroup().isEmpty() ? "-" : s.queueGroup(),
                    s.policy(), s.budgetBytes(), s.pendingBytes(), s.maxPendingBytes(), s.pausedPublishers(),
                    s.delivered(), s.dropped());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
