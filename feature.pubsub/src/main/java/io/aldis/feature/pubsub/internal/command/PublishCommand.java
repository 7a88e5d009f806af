package io.aldis.feature.pubsub.internal.command;

import io.aldis.feature.pubsub.internal.PubSubAdmin;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code aldis:publish}: publishes a text message as the node, for testing subscribers. */
@Service
@Command(scope = "aldis", name = "publish", description = "Publishes a UTF-8 text message on a subject")
public class PublishCommand implements Action {
    @Reference
    PubSubAdmin admin;

    @Argument(index = 0, name = "subject", required = true, description = "The subject (no wildcards)")
    @Completion(SubjectCompleter.class)
    String subject;

    @Argument(index = 1, name = "text", required = true, multiValued = true, description = "The message text; several words are joined with spaces")
    List<String> text;

    @Option(name = "--reply-to", description = "A subject for replies")
    String replyTo = "";

    @Option(name = "-H", aliases = "--header", multiValued = true, description = "A header as name=value; may be repeated")
    List<String> headers;

    @Override
    public Object execute() {
        Map<String, String> h = new LinkedHashMap<>();
        if (headers != null) {
            for (String header : headers) {
                int eq = header.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("A header must be name=value: " + header);
                }
                h.put(header.substring(0, eq), header.substring(eq + 1));
            }
        }
        int n;
        try {
            n = admin.publish(subject, replyTo, h, String.join(" ", text).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not published: " + e.getMessage(), e);
        }
        System.out.println("Published on " + subject + " to " + n + " subscription" + (n == 1 ? "" : "s"));
        return null;
    }
}
