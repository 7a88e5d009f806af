package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.StoredUser;
import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.feature.auth.internal.acl.AclDomain;
import io.aldis.feature.auth.internal.acl.AclRule;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Says whether a user or a role may do something, and which rule decides. */
@Service
@Command(scope = "aldis", name = "acl-check",
        description = "Tells whether a user or role may do an action on a resource, and which rule decides.")
public class AclCheckCommand implements Action {
    @Reference
    AclAuthorizer authorizer;

    @Reference(optional = true)
    CredentialStore store;

    @Argument(index = 0, name = "user-or-role", required = true,
            description = "user:NAME (or just NAME; its roles come from the credential store) or role:NAME.")
    String who;

    @Argument(index = 1, name = "domain", required = true, description = "pubsub, rpc, messages or files.")
    String domain;

    @Argument(index = 2, name = "action", required = true,
            description = "publish, subscribe, call, provide, send, read, write or list.")
    String action;

    @Argument(index = 3, name = "resource", required = true,
            description = "A subject (wildcards allowed), a service.method name, a message type or a file path. "
                    + "Quote $sys subjects ('$sys.>'): Gogo reads $sys as a variable.")
    String resource;

    @Option(name = "--role", aliases = "-r", multiValued = true,
            description = "An extra role for the user (for users not in the credential store); repeat for several.")
    List<String> roles;

    @Override
    public Object execute() {
        AclDomain known = AclDomain.of(domain);
        if (known == null) {
            throw new IllegalArgumentException("Unknown domain " + domain + ": it must be pubsub, rpc, messages or files.");
        }
        if (!known.actions().contains(action)) {
            throw new IllegalArgumentException("Unknown action " + action + " in domain " + domain + ": it must be "
                    + oneOf(List.copyOf(known.actions())) + ".");
        }
        AuthenticatedUser user = user();
        String roleList = String.join(",", new TreeSet<>(user.roles()));
        String subject = user.name().isEmpty() ? "roles " + roleList
                : "user " + user.name() + (roleList.isEmpty() ? "" : " (roles " + roleList + ")");
        String request = subject + " " + action + " " + domain + " " + resource;
        if (domain.equals(AclDomain.PUBSUB.id()) && isPattern(resource)) {
            if (authorizer.permitsAll(user, domain, resource, action)) {
                System.out.println("allowed: " + request + " (every matching subject)");
            } else {
                System.out.println("not allowed on every matching subject: " + request
                        + " (each subject is then checked on its own)");
            }
            return null;
        }
        AclRule rule = authorizer.decidingRule(user, domain, resource, action);
        if (rule == null) {
            System.out.println("denied: " + request + " (no rule matches)");
        } else {
            System.out.println((rule.allow() ? "allowed: " : "denied: ") + request + " by " + rule);
        }
        return null;
    }

    private static boolean isPattern(String subject) {
        for (String token : subject.split("\\.", -1)) {
            if (token.equals("*") || token.equals(">")) {
                return true;
            }
        }
        return false;
    }

    private AuthenticatedUser user() {
        Set<String> all = new TreeSet<>();
        if (roles != null) {
            all.addAll(roles);
        }
        if (who.startsWith("role:")) {
            all.add(who.substring(5));
            // An empty name matches no user:NAME rule, so only role rules and * rules apply.
            return new AuthenticatedUser("", all, "acl-check");
        }
        String name = who.startsWith("user:") ? who.substring(5) : who;
        if (store != null) {
            Optional<StoredUser> stored = store.find(name);
            stored.map(StoredUser::roles).ifPresent(all::addAll);
            if (stored.isEmpty() && roles == null) {
                System.out.println("Note: " + name + " is not in the credential store (aldis:user-list); only rules for user:"
                        + name + " and * apply. Use role:NAME to check a role, or -r to give the user roles.");
            }
        }
        return new AuthenticatedUser(name, all, "acl-check");
    }

    /** "a", "a or b", "a, b or c". */
    private static String oneOf(List<String> names) {
        if (names.size() < 2) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
