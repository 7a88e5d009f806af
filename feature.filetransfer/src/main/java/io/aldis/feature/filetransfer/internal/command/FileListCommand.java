package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.io.IOException;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists a user's files. */
@Service
@Command(scope = "aldis", name = "file-list", description = "Shows the published files of a user's storage area "
        + "whose names match a glob (*, **, ?, [...]), sorted by name, with size and modification time.")
public class FileListCommand implements Action {
    @Option(name = "--user", aliases = "-u", description = "Whose area", required = true)
    String user;
    @Argument(index = 0, name = "pattern", description = "A glob; none lists every file")
    String pattern = "";
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    FilesAdmin admin;

    @Override
    public Object execute() throws IOException {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Size").alignRight();
        table.column("Modified");
        for (StoredFile f : admin.files(user, pattern)) {
            table.addRow().addContent(f.name(), f.size(), Instant.ofEpochMilli(f.modifiedMillis()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
