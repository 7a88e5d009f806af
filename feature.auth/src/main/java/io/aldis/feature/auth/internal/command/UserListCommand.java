package io.aldis.feature.auth.internal.command;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.StoredUser;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the users of the credential store. */
@Service
@Command(scope = "aldis", name = "user-list", description = "Lists the users who can authenticate with SCRAM-SHA-256.")
public class UserListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    CredentialStore store;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("User");
        table.column("Roles");
        table.column("Iterations").alignRight();
        for (StoredUser user : store.list()) {
            table.addRow().addContent(user.name(), String.join(",", new TreeSet<>(user.roles())),
                    user.credentials().iterations());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
