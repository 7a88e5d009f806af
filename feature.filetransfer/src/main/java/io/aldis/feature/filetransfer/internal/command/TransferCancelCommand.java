package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.util.UUID;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Ends one transfer as an operator. */
@Service
@Command(scope = "aldis", name = "transfer-cancel", description = "Ends a file transfer: its client gets "
        + "TRANSFER_ABORT CANCELLED (not resumable) and the partial data is deleted; the session stays open.")
public class TransferCancelCommand implements Action {
    @Argument(index = 0, name = "id", description = "The transfer's id, as aldis:transfer-list shows it", required = true)
    @Completion(TransferIdCompleter.class)
    String id;
    @Reference
    FilesAdmin admin;

    @Override
    public Object execute() {
        UUID transfer;
        try {
            transfer = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a transfer id: " + id);
        }
        if (!admin.cancel(transfer)) {
            throw new IllegalArgumentException("no transfer has the id " + id);
        }
        System.out.println("Transfer " + id + " cancelled");
        return null;
    }
}
