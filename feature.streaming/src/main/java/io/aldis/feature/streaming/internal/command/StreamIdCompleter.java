package io.aldis.feature.streaming.internal.command;

import io.aldis.feature.streaming.internal.StreamAdmin;
import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the streams open now. */
@Service
public class StreamIdCompleter implements Completer {
    @Reference
    StreamAdmin admin;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (StreamRow s : admin.view().streams()) {
            if (!s.providerSide()) { // a relayed call is cancelled through its caller's side
                ids.getStrings().add(Long.toString(s.streamId()));
            }
        }
        return ids.complete(session, commandLine, candidates);
    }
}
