package io.aldis.pubsub.internal.command;

import io.aldis.pubsub.api.PubSub;
import io.aldis.pubsub.api.PublishedMessage;
import io.aldis.pubsub.internal.PubSubAdmin;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aldis:tail}: prints the messages published on matching subjects until interrupted (Ctrl-C). */
@Service
@Command(scope = "aldis", name = "tail", description = "Prints messages published on subjects matching a pattern, live, until interrupted")
public class TailCommand implements Action {
    private static final int BUFFER = 1_000;

    @Reference
    PubSubAdmin admin;

    @Argument(index = 0, name = "pattern", required = true, description = "A subject pattern; * matches one token, > the rest")
    @Completion(SubjectCompleter.class)
    String pattern;

    @Option(name = "-n", aliases = "--count", description = "Stop after this many messages (0 for no limit)")
    int count;

    @Option(name = "--max-text", description = "Longest payload text printed per message")
    int maxText = 200;

    @Override
    public Object execute() throws Exception {
        BlockingQueue<PublishedMessage> queue = new ArrayBlockingQueue<>(BUFFER);
        AtomicLong skipped = new AtomicLong();
        PubSub.Subscription subscription;
        try {
            subscription = admin.engine().subscribeLocal(pattern, "", m -> {
                if (!queue.offer(m)) {
                    skipped.incrementAndGet();
                }
            }, "shell tail");
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid pattern: " + e.getMessage());
            return null;
        }
        System.out.println("Tailing " + pattern + " (Ctrl-C to stop)");
        long printed = 0;
        try {
            while (!Thread.currentThread().isInterrupted() && (count <= 0 || printed < count)) {
                PublishedMessage m = queue.poll(250, TimeUnit.MILLISECONDS);
                if (m == null) {
                    continue;
                }
                long lost = skipped.getAndSet(0);
                if (lost > 0) {
                    System.out.println("... " + lost + " messages skipped: the console could not keep up");
                }
                System.out.println(format(m));
                printed++;
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } finally {
            subscription.close();
        }
        return null;
    }

    private String format(PublishedMessage m) {
        String text = new String(m.payload(), StandardCharsets.UTF_8);
        if (text.length() > maxText) {
            text = text.substring(0, maxText) + "... (" + m.payload().length + " bytes)";
        }
        StringBuilder line = new StringBuilder().append(LocalTime.now()).append(' ').append(m.subject());
        if (!m.replyTo().isEmpty()) {
            line.append(" reply-to=").append(m.replyTo());
        }
        if (!m.headers().isEmpty()) {
            line.append(' ').append(m.headers());
        }
        return line.append(": ").append(text.replace('\n', ' ')).toString();
    }
}
