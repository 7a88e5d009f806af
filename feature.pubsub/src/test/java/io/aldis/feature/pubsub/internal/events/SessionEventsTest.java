package io.aldis.feature.pubsub.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionEventsTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    private final RecordingSink sink = new RecordingSink();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SessionEvents sessions = new SessionEvents(new SysEvents(() -> true, new Counters(), sink), scheduler,
            START);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static FakeSession openedAt(Instant when) {
        return new FakeSession(new AuthenticatedUser("alice", Set.of(), "test"), when);
    }

    @Test
    void aNewSessionIsAnnouncedOnceThoughBothHandlersTellOfIt() {
        FakeSession s = openedAt(START.plusSeconds(1));
        sessions.opened(s);
        sessions.opened(s);
        assertThat(sink.subjects()).containsExactly("$sys.session.opened");
        assertThat(sink.events.get(0).body()).contains(s.id().toString(), "\"user\":\"alice\"");
    }

    @Test
    void aSessionOpenBeforeTheFeatureStartedIsNotAnnouncedAsOpeningButItsCloseIs() {
        FakeSession s = openedAt(START.minusSeconds(5));
        sessions.opened(s); // what Node.addHandler does for every open session when the feature registers
        sessions.closed(s);
        assertThat(sink.subjects()).containsExactly("$sys.session.closed");
    }

    @Test
    void aCloseIsAnnouncedOnceThoughBothHandlersTellOfIt() {
        FakeSession s = openedAt(START.plusSeconds(1));
        sessions.opened(s);
        sessions.closed(s);
        sessions.closed(s);
        assertThat(sink.subjects()).containsExactly("$sys.session.opened", "$sys.session.closed");
    }

    @Test
    void aSessionThatClosedBeforeItsOpeningCameThroughIsAnnouncedInOrderAndTheLateOpeningSaysNothing() {
        FakeSession s = openedAt(START.plusSeconds(1));
        sessions.closed(s);
        sessions.opened(s);
        assertThat(sink.subjects()).containsExactly("$sys.session.opened", "$sys.session.closed");
    }

    @Test
    void aSessionWithoutUserIsNotAnnounced() {
        FakeSession s = new FakeSession(null, START.plusSeconds(1));
        sessions.opened(s);
        sessions.closed(s);
        assertThat(sink.events).isEmpty();
    }

    @Test
    void closedSessionsAreForgottenWhenTheFeatureStops() {
        FakeSession s = openedAt(START.plusSeconds(1));
        sessions.opened(s);
        scheduler.shutdownNow();
        sessions.closed(s);
        assertThat(sessions.remembered()).isZero();
    }
}
