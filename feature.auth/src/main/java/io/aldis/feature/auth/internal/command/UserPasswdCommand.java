package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.protocol.api.spi.audit.AuditLog;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** Sets a new password for an existing user, with a fresh salt. */
@Service
@Command(scope = "aldis", name = "user-passwd", description = "Changes a user's password.")
public class UserPasswdCommand implements Action {
    @Reference
    CredentialStore store;

    @Reference
    Session session;

    @Argument(index = 0, name = "user", description = "The user's name.", required = true)
    @Completion(UserNameCompleter.class)
    String user;

    @Option(name = "--password", aliases = "-p", description = "The new password; prompted for with echo off when omitted.")
    String password;

    @Override
    public Object execute() throws Exception {
        if (store.find(user).isEmpty()) {
            throw new IllegalArgumentException("No user " + user + "; aldis:user-list shows the users.");
        }
        char[] secret = null;
        try {
            secret = Passwords.obtain(session, password, user);
            Passwords.checkPolicy(secret, store.minPasswordLength());
            store.setPassword(user, secret);
            System.out.println("Password of " + user + " changed.");
            AuditLog.record("aldis:user-passwd " + user);
        } finally {
            Passwords.wipe(secret);
        }
        return null;
    }
}
