package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Shows a user's use of storage against the quota. */
@Service
@Command(scope = "aldis", name = "quota-show", description = "Shows the bytes a user stores, those reserved by "
        + "uploads in progress, and the user's quota (userQuota of etc/io.aldis.files.cfg; none when 0).")
public class QuotaShowCommand implements Action {
    @Argument(index = 0, name = "user", description = "The user", required = true)
    String user;
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    FilesAdmin admin;

    @Override
    public Object execute() throws IOException {
        long[] q = admin.quota(user);
        ShellTable table = new ShellTable();
        table.column("User");
        table.column("Stored").alignRight();
        table.column("Reserved").alignRight();
        table.column("Quota").alignRight();
        table.addRow().addContent(user, q[0], q[1], q[2] == 0 ? "none" : Long.toString(q[2]));
        table.print(System.out, !noFormat);
        return null;
    }
}
