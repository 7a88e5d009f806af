package io.aldis.feature.streaming.internal.command;

import io.aldis.feature.streaming.internal.StreamAdmin;
import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the open streams. */
@Service
@Command(scope = "aldis", name = "stream-list", description = "Shows the open streams: id, session, user, method, "
        + "direction, credit mode, the credit each way now, items and bytes each way, age, and state: open, draining "
        + "(its items ended; until the caller paid them back and got the answer) or awaiting resume (its connection "
        + "broke; until the client resumes its session or the resume window ends). A call to a service a client "
        + "provides has two rows: the caller's stream, then the provider's (Relay: \"provider side of\" the caller's "
        + "id; its id, session and user are the provider's, and out/in are the node's toward the provider). "
        + "Counters over JMX as io.aldis:type=feature,name=streaming.")
public class StreamListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    StreamAdmin admin;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id").alignRight();
        table.column("Session");
        table.column("User");
        table.column("Method");
        table.column("Direction");
        table.column("Credit mode");
        table.column("Credit out").alignRight();
        table.column("Credit in").alignRight();
        table.column("Items out").alignRight();
        table.column("Bytes out").alignRight();
        table.column("Items in").alignRight();
        table.column("Bytes in").alignRight();
        table.column("Age");
        table.column("State");
        table.column("Relay");
        Instant now = Instant.now();
        for (StreamRow s : admin.view().streams()) {
            table.addRow().addContent(s.streamId(), s.sessionId(), s.user(), s.method(), direction(s.direction()),
                    s.creditMode(), credit(s.sendCredit()), credit(s.receiveCredit()), s.itemsSent(), s.bytesSent(),
                    s.itemsReceived(), s.bytesReceived(), age(Duration.between(s.openedAt(), now)), s.state(),
                    relay(s));
        }
        table.print(System.out, !noFormat);
        return null;
    }

    private static String relay(StreamRow s) {
        if (s.providerSide()) {
            return s.pairedWith() < 0 ? "provider side" : "provider side of " + s.pairedWith();
        }
        return s.pairedWith() < 0 ? "" : "to provider's " + s.pairedWith();
    }

    private static String direction(int code) {
        return switch (code) {
            case 1 -> "to caller";
            case 2 -> "from caller";
            default -> "both";
        };
    }

    private static String credit(int credit) {
        return credit < 0 ? "-" : Integer.toString(credit);
    }

    static String age(Duration age) {
        long seconds = Math.max(0, age.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + seconds % 60 + "s";
        }
        return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
    }
}
