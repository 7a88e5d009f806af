package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the files of one user, or of every user. */
@Service
@Command(scope = "aldis", name = "file-list", description = "Shows the published files whose names match a glob "
        + "(*, **, ?, [...]), of one user's storage area or of every user's, sorted by user and name, with size "
        + "and modification time.")
public class FileListCommand implements Action {
    @Option(name = "--user", aliases = "-u", description = "Whose area; none lists every user's")
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
        boolean everyUser = user == null;
        if (everyUser) {
            table.column("User");
        }
        table.column("Name");
        table.column("Size").alignRight();
        table.column("Modified");
        for (String owner : everyUser ? everyUser() : List.of(user)) {
            for (StoredFile f : admin.files(owner, pattern)) {
                var row = table.addRow();
                if (everyUser) {
                    row.addContent(owner);
                }
                row.addContent(f.name(), f.size(), Instant.ofEpochMilli(f.modifiedMillis()));
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }

    private List<String> everyUser() throws IOException {
        try {
            return admin.users();
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the file store in use cannot list every user's files: name one with --user");
        }
    }
}
