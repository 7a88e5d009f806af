package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.internal.PubSubAdmin;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import java.util.Comparator;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code aldis:topic-list}: subjects published on, with totals, rates and subscriber counts. */
@Service
@Command(scope = "aldis", name = "topic-list", description = "Lists the subjects published on recently, with message rates and subscriber counts")
public class TopicListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    PubSubAdmin admin;

    @Option(name = "--by-rate", description = "Sort by rate, busiest first, instead of by subject")
    boolean byRate;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Subject");
        table.column("Messages").alignRight();
        table.column("Bytes").alignRight();
        table.column("Rate/s").alignRight();
        table.column("Subscribers").alignRight();
        Comparator<PubSubView.TopicView> order = byRate
                ? Comparator.comparingDouble(PubSubView.TopicView::ratePerSecond).reversed()
                : Comparator.comparing(PubSubView.TopicView::subject);
        for (PubSubView.TopicView t : admin.view().topics().stream().sorted(order).toList()) {
            table.addRow().addContent(t.subject(), t.messages(), t.bytes(),
                    String.format(Locale.ROOT, "%.1f", t.ratePerSecond()), t.subscribers());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
