package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** Adds a SCRAM-SHA-256 user to the credential store. */
@Service
@Command(scope = "aldis", name = "user-add", description = "Adds a user who can authenticate with SCRAM-SHA-256.")
public class UserAddCommand implements Action {
    @Reference
    CredentialStore store;

    @Reference
    Session session;

    @Argument(index = 0, name = "user", description = "The new user's name (letters, digits, . - _ @ +).", required = true)
    String user;

    @Option(name = "--role", aliases = "-r", description = "A role for the user; repeat for several.", multiValued = true)
    List<String> roles;

    @Option(name = "--password", aliases = "-p", description = "The password; prompted for with echo off when omitted.")
    String password;

    @Override
    public Object execute() throws Exception {
        if (store.find(user).isPresent()) {
            throw new IllegalArgumentException("User " + user + " already exists; use aldis:user-passwd to change its password.");
        }
        char[] secret = null;
        try {
            secret = Passwords.obtain(session, password, user);
            store.add(user, secret, roles == null ? new LinkedHashSet<>() : new LinkedHashSet<>(roles));
            System.out.println("User " + user + " added.");
        } finally {
            Passwords.wipe(secret);
        }
        return null;
    }
}
