package io.aldis.examples.internal.catalogue;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.api.PublishedMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers requests on the subjects {@value #SUBJECTS} through the {@link PubSub} service: a
 * request on {@code examples.catalogue.TEA-0001} gets the article's name, with the header
 * {@value #STATUS} = {@value #FOUND}; one for an article the catalogue does not have gets an
 * empty payload and {@value #STATUS} = {@value #UNKNOWN}. Requests come from any client
 * ({@code AldisClient.requestReply}, or a PUBLISH with a {@code replyTo}); a message without a
 * reply subject is not a request and is ignored.
 *
 * <p><b>How it works.</b> DS activates the component once a {@link PubSub} service is registered,
 * that is while the aldis-pubsub feature runs, and passes it to the constructor; the component
 * subscribes there and ends the subscription when it is deactivated (the bundle stops, or
 * pub/sub goes away). A subscription made through {@link PubSub} acts for the node: it receives
 * what clients publish, and what it publishes reaches remote subscribers as if a client had
 * published it, without client permissions or rate limits.
 *
 * <p><b>Threads.</b> The listener runs on the publisher's thread, so it must not block: this one
 * looks the article up in memory and publishes the answer, which only queues it for the
 * requester. A listener with slower work hands the message to an executor of its own.
 *
 * <p><b>Queue group.</b> The subscription is in the queue group {@value #QUEUE_GROUP}, so when
 * several copies of this component subscribe (say, two versions of the bundle during an update),
 * each request is answered once, by one of them.
 */
@Component
public final class CatalogueResponder {
    /** The subjects answered: {@code examples.catalogue.<sku>}. */
    public static final String SUBJECTS = "examples.catalogue.*";
    /** The queue group the responders share. */
    public static final String QUEUE_GROUP = "examples-catalogue";
    /** The header that says whether the article was found. */
    public static final String STATUS = "status";
    /** {@value #STATUS} of an answer that carries the article's name. */
    public static final String FOUND = "found";
    /** {@value #STATUS} of an answer for an article the catalogue does not have. */
    public static final String UNKNOWN = "unknown";

    private final PubSub pubSub;
    private final PubSub.Subscription subscription;

    /** Subscribes; DS calls it with the node's {@link PubSub} service. */
    @Activate
    public CatalogueResponder(@Reference PubSub pubSub) {
        this.pubSub = pubSub;
        this.subscription = pubSub.subscribe(SUBJECTS, QUEUE_GROUP, this::answer);
    }

    @Deactivate
    void stop() {
        subscription.close();
    }

    private void answer(PublishedMessage request) {
        if (request.replyTo().isEmpty()) {
            return;
        }
        String subject = request.subject();
        Optional<String> name = Catalogue.name(subject.substring(subject.lastIndexOf('.') + 1));
        byte[] payload = name.map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        pubSub.publish(request.replyTo(), "", Map.of(STATUS, name.isPresent() ? FOUND : UNKNOWN), payload);
    }
}
