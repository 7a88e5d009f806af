package io.aldis.feature.pubsub.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service that serves one or more message types to remote clients. Register it with
 * the service property {@value #TYPE} (a string or an array of strings, or use
 * {@link MessageType}); when several handlers claim a type, the highest {@code service.ranking}
 * wins, then the oldest service. A MESSAGE frame whose type no handler serves is answered with
 * {@code NO_HANDLER}. When the handler's service goes away its types are withdrawn at once.
 *
 * <p>Handlers run on the node's worker threads, in arrival order per session; they may block
 * briefly, but a long computation should complete the returned stage later instead.
 */
@ConsumerType
public interface MessageHandler {
    /** Service property: the message types this handler serves. */
    String TYPE = "aldis.message.type";

    /**
     * Handles one message. The stage completes with the reply payload, or with {@code null} for
     * no reply; a reply is sent back (MESSAGE with the REPLY flag and the request's correlation
     * id) only when the sender asked for one with a non-zero correlation id. A stage completed
     * exceptionally is answered with an ERROR frame; a {@link MessageException} chooses its code.
     */
    CompletionStage<byte[]> handle(MessageContext context, byte[] payload) throws Exception;
}
