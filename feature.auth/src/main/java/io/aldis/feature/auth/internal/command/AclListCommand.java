package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.feature.auth.internal.acl.AclRule;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the access-control rules in the order they are tried. */
@Service
@Command(scope = "aldis", name = "acl-list",
        description = "Lists the access-control rules in evaluation order; the first rule that matches decides.")
public class AclListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    AclAuthorizer authorizer;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Rule");
        table.column("Effect");
        table.column("Principal");
        table.column("Domain");
        table.column("Actions");
        table.column("Pattern");
        for (AclRule rule : authorizer.rules()) {
            table.addRow().addContent(rule.key(), rule.allow() ? "allow" : "deny", rule.principal(), rule.domain(),
                    rule.actions(), rule.pattern());
        }
        table.print(System.out, !noFormat);
        if (!noFormat) {
            if (authorizer.usingDefaults()) {
                System.out.println("Built-in defaults: " + AclAuthorizer.PID + " has no rule.");
            }
            System.out.println("Anything no rule matches is denied.");
        }
        for (String problem : authorizer.problems()) {
            // A warning, not a failure: the other rules are in force, and stderr is lost over ssh.
            System.out.println("Skipped " + problem);
        }
        return null;
    }
}
