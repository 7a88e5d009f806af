package io.aldis.node.core.internal.command;

import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of open sessions. */
@Service
public class SessionIdCompleter implements Completer {
    @Reference
    SessionRegistry registry;

    @Override
    public int complete(org.apache.karaf.shell.api.console.Session session, CommandLine commandLine,
            List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (Session s : registry.sessions()) {
            ids.getStrings().add(s.id().toString());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
