package io.aldis.feature.streaming.internal.command;

import io.aldis.feature.streaming.internal.StreamAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Ends one stream as an operator. */
@Service
@Command(scope = "aldis", name = "stream-cancel", description = "Ends an open stream: its caller gets STREAM_ERROR "
        + "CANCELLED and the call fails with \"cancelled by an operator\"; the session stays open.")
public class StreamCancelCommand implements Action {
    @Argument(index = 0, name = "id", description = "The stream's id, as aldis:stream-list shows it", required = true)
    @Completion(StreamIdCompleter.class)
    long id;
    @Reference
    StreamAdmin admin;

    @Override
    public Object execute() {
        if (!admin.cancel(id)) {
            if (admin.view().streams().stream().anyMatch(s -> s.providerSide() && s.streamId() == id)) {
                throw new IllegalArgumentException("stream " + id + " is a provider's id; cancel the caller's side of "
                        + "the call instead (aldis:stream-list shows it in the Relay column)");
            }
            throw new IllegalArgumentException("no open stream has the id " + id);
        }
        System.out.println("Stream " + id + " cancelled");
        return null;
    }
}
