package io.aldis.feature.pubsub.internal.frames;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.events.SessionEvents;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.messages.MessageRouter;
import io.aldis.feature.pubsub.internal.routing.Permissions;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageFramesTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final SysEvents sysEvents = new SysEvents(() -> true, new Counters(), new SysEvents.Sink() {
        @Override
        public boolean hasSubscribers(String subject) {
            return true;
        }

        @Override
        public void publish(String subject, byte[] body) {
            events.add(subject);
        }
    });
    private final MessageRouter router = new MessageRouter(new Counters(), new Permissions(), PubSubSettings::defaults,
            sysEvents, scheduler);
    private final MessageFrames frames = new MessageFrames(router,
            new SessionEvents(sysEvents, scheduler, Instant.now().minusSeconds(60)));

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void servesTypedMessagesOffTheEventLoop() {
        assertThat(frames.frameTypes()).containsExactly(FrameType.MESSAGE);
        assertThat(frames.nonBlocking()).isFalse();
    }

    @Test
    void aMessageGoesToTheHandlerOfItsTypeAndTheReplyComesBack() {
        router.add((context, payload) -> CompletableFuture.completedFuture(payload),
                Map.of("aldis.message.type", "echo"));
        FakeSession alice = FakeSession.of("alice");
        frames.handle(alice, new Message(false, 5, "echo", "hi".getBytes(StandardCharsets.UTF_8)));
        assertThat(alice.sent).hasSize(1);
        Message reply = (Message) alice.sent.get(0);
        assertThat(reply.reply()).isTrue();
        assertThat(reply.correlationId()).isEqualTo(5);
        assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void aTypeNobodyServesGetsNoHandler() {
        FakeSession alice = FakeSession.of("alice");
        frames.handle(alice, new Message(false, 6, "nobody", new byte[0]));
        assertThat(alice.errors()).singleElement().satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_HANDLER);
            assertThat(e.requestId()).isEqualTo(6);
        });
    }

    @Test
    void sessionsAreAnnouncedWhenOnlyTypedMessagesAreServed() {
        FakeSession alice = FakeSession.of("alice");
        frames.sessionOpened(alice);
        frames.sessionClosed(alice);
        assertThat(events).containsExactly("$sys.session.opened", "$sys.session.closed");
    }
}
