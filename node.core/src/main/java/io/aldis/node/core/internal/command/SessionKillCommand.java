package io.aldis.node.core.internal.command;

import io.aldis.protocol.api.spi.audit.AuditLog;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import java.util.UUID;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aldis:session-kill}: closes a session, optionally revoking its resume token. */
@Service
@Command(scope = "aldis", name = "session-kill", description = "Closes a session (the client is told SESSION_KILLED)")
public class SessionKillCommand implements Action {
    @Reference
    SessionRegistry registry;

    @Argument(index = 0, name = "id", description = "Session id (see aldis:session-list)", required = true)
    @Completion(SessionIdCompleter.class)
    String id;

    @Option(name = "--revoke", description = "Also revoke the session's resume token, so the client must authenticate again")
    boolean revoke;

    @Override
    public Object execute() {
        UUID sessionId;
        try {
            sessionId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a session id: " + id + " (aldis:session-list shows the ids)");
        }
        if (registry.kill(sessionId, revoke)) {
            AuditLog.record("aldis:session-kill " + sessionId + (revoke ? " --revoke" : ""));
            System.out.println("Session " + sessionId + " closed" + (revoke ? "; its resume token is revoked" : ""));
        } else {
            throw new IllegalArgumentException("No open session with id " + sessionId);
        }
        return null;
    }
}
