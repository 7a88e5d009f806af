package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.internal.PubSubAdmin;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes subjects published on recently and the patterns subscribed to. */
@Service
public class SubjectCompleter implements Completer {
    @Reference
    PubSubAdmin admin;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter subjects = new StringsCompleter();
        PubSubView view = admin.view();
        for (PubSubView.TopicView t : view.topics()) {
            subjects.getStrings().add(t.subject());
        }
        for (PubSubView.SubscriptionView s : view.subscriptions()) {
            subjects.getStrings().add(s.pattern());
        }
        return subjects.complete(session, commandLine, candidates);
    }
}
