package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.internal.FilesAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the transfers the node knows. */
@Service
@Command(scope = "aldis", name = "transfer-list", description = "Shows the file transfers: id, user, direction, "
        + "file, chunks done of all, bytes done of all, rate (MB/s since it last started running), time left at that "
        + "rate, and state: running, or at checkpoint (its session ended; a later session of the user may resume it "
        + "until the checkpoint retention passes).")
public class TransferListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    FilesAdmin admin;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("User");
        table.column("Direction");
        table.column("File");
        table.column("Chunks").alignRight();
        table.column("Bytes").alignRight();
        table.column("MB/s").alignRight();
        table.column("Left").alignRight();
        table.column("State");
        for (FilesAdmin.TransferRow t : admin.transfers()) {
            table.addRow().addContent(t.id(), t.user(), t.direction(), t.name(), t.done() + "/" + t.total(),
                    t.bytesDone() + "/" + t.size(), t.bytesPerSecond() > 0 ? megabytes(t.bytesPerSecond()) : "-",
                    t.secondsLeft() >= 0 ? t.secondsLeft() + " s" : "-", t.state());
        }
        table.print(System.out, !noFormat);
        return null;
    }

    private static String megabytes(double bytesPerSecond) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytesPerSecond / 1e6);
    }
}
