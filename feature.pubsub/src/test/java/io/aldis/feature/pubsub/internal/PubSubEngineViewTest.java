package io.aldis.feature.pubsub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's {@link LiveView} and {@link ShellAccess}: what operators see and do through the shell and JMX. */
class PubSubEngineViewTest {
    private final PubSubEngine engine = new PubSubEngine(PubSubSettings.defaults());

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void theCountersShowTrafficSessionsSubscriptionsSubjectsAndTypes() {
        FakeSession alice = FakeSession.of("alice");
        engine.pubSubFrames().handle(alice, new Subscribe(1, "a.*", "", ""));
        engine.pubSubFrames().handle(alice, new Publish("a.b", "", Map.of(), new byte[4]));
        engine.messages().add((c, p) -> null, Map.of("aldis.message.type", "t"));
        Map<String, Long> counters = engine.view().counters();
        assertThat(counters).containsEntry("published", 1L).containsEntry("publishedBytes", 4L)
                .containsEntry("sessions", 1L).containsEntry("subscriptions", 1L).containsEntry("topics", 1L)
                .containsEntry("messageTypes", 1L).containsKey("uptimeSeconds");
        assertThat(engine.view().topics()).singleElement().satisfies(t -> {
            assertThat(t.subject()).isEqualTo("a.b");
            assertThat(t.subscribers()).isEqualTo(1);
        });
        assertThat(engine.view().messageTypes()).extracting(PubSubView.TypeView::type).containsExactly("t");
    }

    @Test
    void aTailIsListedAsTheShellsAndGetsWhatTheShellPublishes() {
        List<PublishedMessage> got = new CopyOnWriteArrayList<>();
        PubSub.Subscription tail = engine.admin().tail("news.>", got::add);
        assertThat(engine.admin().view().subscriptions()).extracting(PubSubView.SubscriptionView::owner)
                .containsExactly("shell tail");
        assertThat(engine.admin().publish("news.today", "", Map.of(), new byte[] {7})).isEqualTo(1);
        assertThat(got).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo("news.today"));
        tail.close();
        assertThat(engine.admin().view().subscriptions()).isEmpty();
    }

    @Test
    void aSessionClosedIsForgottenByTheView() {
        FakeSession alice = FakeSession.of("alice");
        engine.pubSubFrames().handle(alice, new Subscribe(1, "a", "", ""));
        engine.pubSubFrames().sessionClosed(alice);
        assertThat(engine.view().sessions()).isEmpty();
        assertThat(engine.view().subscriptions()).isEmpty();
    }
}
