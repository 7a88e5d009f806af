package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.StoredUser;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the users in the credential store. */
@Service
public class UserNameCompleter implements Completer {
    @Reference
    CredentialStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (StoredUser user : store.list()) {
            names.getStrings().add(user.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
