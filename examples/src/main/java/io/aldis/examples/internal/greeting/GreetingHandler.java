package io.aldis.examples.internal.greeting;

import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageException;
import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.api.MessageType;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;

/**
 * Serves the typed message {@value #TYPE}: its payload is a name (UTF-8 text), and the reply
 * greets that name on behalf of the user who sent it, {@code Hello, Ann! (from alice)}.
 *
 * <p><b>How it is found.</b> Registering a {@link MessageHandler} service with the property
 * {@value MessageHandler#TYPE} is all it takes: {@link MessageType} on the component sets that
 * property, and the pub/sub feature picks the service up through the whiteboard, routes every
 * MESSAGE of the type here while the service is registered, and answers {@code NO_HANDLER} once
 * it is gone. When several handlers serve one type the highest {@code service.ranking} wins.
 *
 * <p><b>Answers.</b> The stage completes with the reply payload, which the sender gets only when
 * it asked for a reply (a non-zero correlation id; {@code AldisClient.send(type, payload)} always
 * does). A {@link MessageException} chooses the error code the sender gets; any other failure
 * reaches the sender as {@code SERVICE_ERROR} without its text, which stays in the node's log.
 *
 * <p><b>Threads.</b> Handlers run on the node's worker threads, in arrival order per session:
 * they may block briefly, but slow work should complete the returned stage later instead.
 */
@Component
@MessageType(GreetingHandler.TYPE)
public final class GreetingHandler implements MessageHandler {
    /** The message type served. */
    public static final String TYPE = "examples.greeting";
    /** The longest name greeted, in characters. */
    public static final int MAX_NAME = 64;

    @Override
    public CompletionStage<byte[]> handle(MessageContext context, byte[] payload) {
        String name = new String(payload, StandardCharsets.UTF_8).strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return CompletableFuture.failedFuture(new MessageException(ErrorCode.INVALID_PARAMS,
                    "a greeting needs a name of 1 to " + MAX_NAME + " characters, got " + name.length()));
        }
        String reply = "Hello, " + name + "! (from " + context.user() + ")";
        return CompletableFuture.completedFuture(reply.getBytes(StandardCharsets.UTF_8));
    }
}
