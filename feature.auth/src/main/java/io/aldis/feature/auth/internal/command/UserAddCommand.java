package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.feature.auth.internal.acl.AclRule;
import io.aldis.protocol.api.spi.audit.AuditLog;
import java.util.Set;
import java.util.TreeSet;
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

    @Reference(optional = true)
    AclAuthorizer authorizer;

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
            Passwords.checkPolicy(secret, store.minPasswordLength());
            store.add(user, secret, roles == null ? new LinkedHashSet<>() : new LinkedHashSet<>(roles));
            System.out.println("User " + user + " added.");
            warnAboutRolesNoRuleNames();
            AuditLog.record("aldis:user-add " + user + " roles " + (roles == null ? "[]" : roles));
        } finally {
            Passwords.wipe(secret);
        }
        return null;
    }

    /**
     * A role no rule names is most likely a typo; the user is added all the same, since the rule
     * may come later, but the operator is told.
     */
    private void warnAboutRolesNoRuleNames() {
        if (roles == null || authorizer == null) {
            return;
        }
        Set<String> named = new TreeSet<>();
        named.add(CredentialStore.ADMIN_ROLE);
        for (AclRule rule : authorizer.rules()) {
            if (rule.principal().startsWith("role:")) {
                named.add(rule.principal().substring("role:".length()));
            }
        }
        for (String role : new TreeSet<>(roles)) {
            if (!named.contains(role)) {
                System.out.println("Warning: no ACL rule names role " + role + " (roles in rules: "
                        + String.join(", ", named) + "); aldis:acl-list shows the rules.");
            }
        }
    }
}
