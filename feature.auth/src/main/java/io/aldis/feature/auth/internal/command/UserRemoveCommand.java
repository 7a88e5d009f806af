package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.protocol.api.spi.audit.AuditLog;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Removes a user; sessions already open are not closed by this command. */
@Service
@Command(scope = "aldis", name = "user-remove", description = "Removes a user from the credential store.")
public class UserRemoveCommand implements Action {
    @Reference
    CredentialStore store;

    @Argument(index = 0, name = "user", description = "The user's name.", required = true)
    @Completion(UserNameCompleter.class)
    String user;

    @Override
    public Object execute() {
        if (!store.remove(user)) {
            throw new IllegalArgumentException("No user " + user + "; aldis:user-list shows the users.");
        }
        System.out.println("User " + user + " removed.");
        AuditLog.record("aldis:user-remove " + user);
        return null;
    }
}
