package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.PubSubAdmin;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code aldis:tail}: prints the messages published on matching subjects until interrupted (Ctrl-C). */
@Service
@Command(scope = "aldis", name = "tail", description = "Prints messages published on subjects matching a pattern, "
        + "live, until Ctrl-C. Quote patterns with $ ('$sys.>'): Gogo reads $sys as a variable.")
public class TailCommand implements Action {
    /** How long an interrupted tail waits for the line being printed before it returns anyway. */
    private static final long PRINTER_GRACE_MILLIS = 2_000;

    @Reference
    PubSubAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "pattern", required = true,
            description = "A subject pattern; * matches one token, > the rest. Quote it when it starts with $.")
    @Completion(SubjectCompleter.class)
    String pattern;

    @Option(name = "-n", aliases = "--count", description = "Stop after this many messages (0 for no limit)")
    int count;

    @Option(name = "--max-text", description = "Longest payload text printed per message")
    int maxText = 200;

    @Override
    public Object execute() throws Exception {
        PrintStream out = session.getConsole();
        TailPrinter printer = new TailPrinter(out, count, maxText);
        PubSub.Subscription subscription;
        try {
            subscription = admin.tail(pattern, printer::offer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid pattern: " + e.getMessage(), e);
        }
        out.println("Tailing " + pattern + " (Ctrl-C to stop)");
        Thread printing = new Thread(printer, "aldis-tail " + pattern);
        printing.setDaemon(true);
        printing.start();
        try {
            printer.awaitFinished();
        } catch (InterruptedException ctrlC) {
            // Ctrl-C is how a tail ends, not an error: like Karaf's log:tail, return normally so the
            // console prints its prompt. Give the line being printed a moment to finish first.
            printer.stop();
            subscription.close();
            try {
                printer.awaitFinished(PRINTER_GRACE_MILLIS);
            } catch (InterruptedException again) {
                // a second Ctrl-C: return at once
            }
        } finally {
            printer.stop();
            subscription.close();
        }
        return null;
    }
}
