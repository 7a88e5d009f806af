package io.aldis.examples.internal.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.api.PublishedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Reacts to uploaded files: for every {@value #EVENTS} event it publishes an announcement on
 * {@value #ANNOUNCEMENTS}, a line of text such as {@code alice uploaded notes.txt (5 bytes)} with
 * the headers {@value #USER}, {@value #NAME} and {@value #SIZE}. Users who may not subscribe to
 * {@code $sys} subjects (only admins may, by default) can subscribe to the announcements.
 *
 * <p><b>How it works.</b> The file-transfer feature publishes {@code $sys.file.*} events through
 * pub/sub once a file is verified and published; a subscription made through the {@link PubSub}
 * service acts for the node, so it receives them whatever the permissions of clients. The event's
 * payload is a JSON object with {@code user}, {@code name} and {@code size} (docs/protocol.md,
 * system events). The node builds events only while someone subscribes, so this component also
 * turns them on for as long as it runs.
 *
 * <p><b>Threads.</b> The listener runs on the publisher's thread and must not block: reading a
 * small JSON object and queueing one publication is all it does. Work on the file itself (say,
 * indexing it) belongs on an executor of its own.
 */
@Component
public final class UploadAnnouncer {
    /** The events listened to. */
    public static final String EVENTS = "$sys.file.uploaded";
    /** The subject of the announcements. */
    public static final String ANNOUNCEMENTS = "examples.files.uploaded";
    /** Header: who uploaded the file. */
    public static final String USER = "user";
    /** Header: the file's name in its user's storage area. */
    public static final String NAME = "name";
    /** Header: the file's size in bytes, in decimal. */
    public static final String SIZE = "size";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PubSub pubSub;
    private final PubSub.Subscription subscription;

    /** Subscribes; DS calls it with the node's {@link PubSub} service. */
    @Activate
    public UploadAnnouncer(@Reference PubSub pubSub) {
        this.pubSub = pubSub;
        this.subscription = pubSub.subscribe(EVENTS, "", this::announce);
    }

    @Deactivate
    void stop() {
        subscription.close();
    }

    private void announce(PublishedMessage event) {
        announcement(event.payload()).ifPresent(a -> pubSub.publish(ANNOUNCEMENTS, "",
                Map.of(USER, a.user(), NAME, a.name(), SIZE, Long.toString(a.size())),
                a.text().getBytes(StandardCharsets.UTF_8)));
    }

    /** The announcement for an event's payload; empty when the payload is not such an event. */
    static Optional<Announcement> announcement(byte[] payload) {
        try {
            JsonNode event = JSON.readTree(payload);
            JsonNode user = event.path(USER);
            JsonNode name = event.path(NAME);
            JsonNode size = event.path(SIZE);
            if (!user.isTextual() || !name.isTextual() || !size.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new Announcement(user.asText(), name.asText(), size.asLong()));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** What is announced about one uploaded file. */
    record Announcement(String user, String name, long size) {
        String text() {
            return user + " uploaded " + name + " (" + size + (size == 1 ? " byte)" : " bytes)");
        }
    }
}
