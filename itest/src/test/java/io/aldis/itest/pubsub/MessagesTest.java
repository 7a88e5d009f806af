package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageException;
import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Typed MESSAGE frames routed to MessageHandler services by type, over real sockets. */
@ExtendWith(LeakWatch.class)
class MessagesTest {
    private NodeFixture node;
    private FrameClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        node.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Message request(long correlation, String type, String text) throws Exception {
        client.send(new Message(false, correlation, type, utf8(text)));
        Frame f = client.next(x -> (x instanceof Message m && m.correlationId() == correlation)
                || (x instanceof ErrorFrame e && e.requestId() == correlation));
        if (f instanceof ErrorFrame e) {
            throw new AssertionError("answered " + e);
        }
        return (Message) f;
    }

    private ErrorFrame failing(long correlation, String type) throws Exception {
        client.send(new Message(false, correlation, type, new byte[0]));
        return (ErrorFrame) client.next(x -> x instanceof ErrorFrame e && e.requestId() == correlation);
    }

    @Test
    void routedByTypeWithRankingAndWithdrawal() throws Exception {
        node = PubSubNodes.start();
        client = node.login("alice");
        List<MessageContext> seen = new CopyOnWriteArrayList<>();
        MessageHandler echo = (ctx, payload) -> {
            seen.add(ctx);
            return CompletableFuture.completedFuture(payload);
        };
        MessageHandler upper = (ctx, payload) -> CompletableFuture.completedFuture(
                utf8(new String(payload, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)));
        node.pubsub().messages().add(echo, Map.of(MessageHandler.TYPE, "echo", "service.id", 1L));

        Message reply = request(42, "echo", "hi");
        assertThat(reply.reply()).isTrue();
        assertThat(reply.messageType()).isEqualTo("echo");
        assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(seen).singleElement().satisfies(ctx -> {
            assertThat(ctx.user()).isEqualTo("alice");
            assertThat(ctx.correlationId()).isEqualTo(42);
            assertThat(ctx.sessionId()).isEqualTo(client.sessionId());
        });

        // A higher ranking takes the type over; withdrawing it hands the type back at once.
        node.pubsub().messages().add(upper, Map.of(MessageHandler.TYPE, new String[] {"echo", "shout"},
                "service.id", 2L, "service.ranking", 10));
        assertThat(new String(request(43, "echo", "hi").payload(), StandardCharsets.UTF_8)).isEqualTo("HI");
        assertThat(new String(request(44, "shout", "hey").payload(), StandardCharsets.UTF_8)).isEqualTo("HEY");
        node.pubsub().messages().remove(upper);
        assertThat(new String(request(45, "echo", "hi").payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
        ErrorFrame gone = failing(46, "shout");
        assertThat(gone.errorCode()).isEqualTo(ErrorCode.NO_HANDLER);
        assertThat(gone.details()).contains("shout");

        // A lower ranking does not take over; on equal ranking the older service keeps the type.
        node.pubsub().messages().add(upper, Map.of(MessageHandler.TYPE, "echo", "service.id", 3L, "service.ranking", -1));
        assertThat(new String(request(47, "echo", "x").payload(), StandardCharsets.UTF_8)).isEqualTo("x");
        node.pubsub().messages().remove(echo);
        assertThat(new String(request(48, "echo", "x").payload(), StandardCharsets.UTF_8)).isEqualTo("X");
        node.pubsub().messages().remove(upper);
        assertThat(failing(49, "echo").errorCode()).isEqualTo(ErrorCode.NO_HANDLER);
    }

    @Test
    void errorsAsyncRepliesAndNoReplyWanted() throws Exception {
        node = PubSubNodes.start();
        client = node.login("alice");
        node.pubsub().messages().add((ctx, payload) -> {
            throw new MessageException(ErrorCode.INVALID_PARAMS, "amount must be positive");
        }, Map.of(MessageHandler.TYPE, "strict"));
        node.pubsub().messages().add((ctx, payload) -> {
            throw new IllegalStateException("boom");
        }, Map.of(MessageHandler.TYPE, "broken"));
        node.pubsub().messages().add((ctx, payload) -> CompletableFuture.supplyAsync(() -> utf8("later")),
                Map.of(MessageHandler.TYPE, "async"));
        node.pubsub().messages().add((ctx, payload) -> null, Map.of(MessageHandler.TYPE, "silent"));

        ErrorFrame strict = failing(1, "strict");
        assertThat(strict.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(strict.message()).isEqualTo("amount must be positive");
        ErrorFrame broken = failing(2, "broken");
        assertThat(broken.errorCode()).isEqualTo(ErrorCode.SERVICE_ERROR);
        assertThat(new String(request(3, "async", "").payload(), StandardCharsets.UTF_8)).isEqualTo("later");
        // A null reply still answers a request (empty payload), so the sender never waits in vain.
        assertThat(request(4, "silent", "").payload()).isEmpty();

        // Correlation id 0: no reply is sent; the next frame is the answer to the next request.
        client.send(new Message(false, 0, "async", new byte[0]));
        client.send(new Message(false, 5, "silent", new byte[0]));
        Frame next = client.read();
        assertThat(next).isInstanceOf(Message.class);
        assertThat(((Message) next).correlationId()).isEqualTo(5);

        // A REPLY from the client answers nothing the node sent.
        client.send(new Message(true, 6, "async", new byte[0]));
        assertThat(((ErrorFrame) client.next(f -> f instanceof ErrorFrame)).errorCode()).isEqualTo(ErrorCode.UNEXPECTED_FRAME);
    }

    @Test
    void timeoutsAndInFlightLimit() throws Exception {
        node = PubSubNodes.start(PubSubSettings.defaults().withMessages(300, 2));
        client = node.login("alice");
        CompletableFuture<byte[]> never = new CompletableFuture<>();
        node.pubsub().messages().add((ctx, payload) -> never, Map.of(MessageHandler.TYPE, "never"));
        client.send(new Message(false, 1, "never", new byte[0]));
        client.send(new Message(false, 2, "never", new byte[0]));
        client.send(new Message(false, 3, "never", new byte[0]));
        ErrorFrame busy = (ErrorFrame) client.next(f -> f instanceof ErrorFrame e && e.requestId() == 3);
        assertThat(busy.errorCode()).isEqualTo(ErrorCode.BUSY);
        assertThat(((ErrorFrame) client.next(f -> f instanceof ErrorFrame e && e.requestId() == 1)).errorCode())
                .isEqualTo(ErrorCode.REQUEST_TIMEOUT);
        assertThat(((ErrorFrame) client.next(f -> f instanceof ErrorFrame e && e.requestId() == 2)).errorCode())
                .isEqualTo(ErrorCode.REQUEST_TIMEOUT);
        // Timed-out requests no longer count against the limit.
        node.pubsub().messages().add((ctx, payload) -> CompletableFuture.completedFuture(payload),
                Map.of(MessageHandler.TYPE, "echo"));
        assertThat(request(4, "echo", "ok").payload()).isEqualTo(utf8("ok"));
    }
}
