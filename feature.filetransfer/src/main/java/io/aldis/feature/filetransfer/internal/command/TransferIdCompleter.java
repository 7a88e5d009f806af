package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the transfers known now. */
@Service
public class TransferIdCompleter implements Completer {
    @Reference
    FilesAdmin admin;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (FilesAdmin.TransferRow t : admin.transfers()) {
            ids.getStrings().add(t.id().toString());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
