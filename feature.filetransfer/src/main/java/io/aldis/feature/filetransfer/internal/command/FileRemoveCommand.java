package io.aldis.feature.filetransfer.internal.command;

import io.aldis.feature.filetransfer.internal.FilesAdmin;
import java.io.IOException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Removes a user's file. */
@Service
@Command(scope = "aldis", name = "file-remove", description = "Deletes a published file from a user's storage area.")
public class FileRemoveCommand implements Action {
    @Argument(index = 0, name = "user", description = "Whose area", required = true)
    String user;
    @Argument(index = 1, name = "name", description = "The file's name in the area", required = true)
    String name;
    @Reference
    FilesAdmin admin;

    @Override
    public Object execute() throws IOException {
        if (!admin.remove(user, name)) {
            throw new IllegalArgumentException(user + " has no file " + name);
        }
        System.out.println("Removed " + name + " of " + user);
        return null;
    }
}
