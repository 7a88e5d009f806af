package io.aldis.feature.pubsub.internal.frames;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.node.Session;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PubSubFramesTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final PubSubFrames frames = new PubSubFrames(new PubSubRequests() {
        @Override
        public void subscribe(Session session, Subscribe frame) {
            calls.add("subscribe " + frame.subscriptionId());
        }

        @Override
        public void unsubscribe(Session session, Unsubscribe frame) {
            calls.add("unsubscribe " + frame.subscriptionId());
        }

        @Override
        public void publish(Session session, Publish frame) {
            calls.add("publish " + frame.subject());
        }

        @Override
        public void sessionOpened(Session session) {
            calls.add("opened");
        }

        @Override
        public void sessionClosed(Session session) {
            calls.add("closed");
        }
    });

    @Test
    void servesTheThreePubSubFramesOnTheEventLoop() {
        assertThat(frames.frameTypes()).containsExactlyInAnyOrder(FrameType.SUBSCRIBE, FrameType.UNSUBSCRIBE,
                FrameType.PUBLISH);
        assertThat(frames.nonBlocking()).isTrue();
    }

    @Test
    void eachFrameAndSessionEventGoesToItsRequest() {
        FakeSession s = FakeSession.of("alice");
        frames.sessionOpened(s);
        frames.handle(s, new Subscribe(1, "a", "", ""));
        frames.handle(s, new Publish("a", "", Map.of(), new byte[0]));
        frames.handle(s, new Unsubscribe(1));
        frames.sessionClosed(s);
        assertThat(calls).containsExactly("opened", "subscribe 1", "publish a", "unsubscribe 1", "closed");
    }
}
