package io.aldis.feature.pubsub.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.protocol.api.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SysEventsTest {
    private final RecordingSink sink = new RecordingSink();
    private final Counters counters = new Counters();
    private final AtomicBoolean enabled = new AtomicBoolean(true);
    private final SysEvents events = new SysEvents(enabled::get, counters, sink);

    @Test
    void anEventIsAJsonObjectWithItsNameTimeAndFieldsInOrderOnItsSysSubject() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("b", 2);
        fields.put("a", "x");
        events.publish("thing.happened", fields);
        assertThat(sink.events).hasSize(1);
        RecordingSink.Event e = sink.events.get(0);
        assertThat(e.subject()).isEqualTo("$sys.thing.happened");
        assertThat(e.body()).startsWith("{\"event\":\"thing.happened\",\"time\":\"").endsWith(",\"b\":2,\"a\":\"x\"}");
        assertThat(counters.sysEvents.sum()).isEqualTo(1);
    }

    @Test
    void nothingIsMadeOrCountedWhenNobodyListens() {
        sink.listening = false;
        events.publish("thing.happened", Map.of());
        assertThat(sink.events).isEmpty();
        assertThat(counters.sysEvents.sum()).isZero();
    }

    @Test
    void nothingIsPublishedWhileEventsAreOff() {
        enabled.set(false);
        events.publish("thing.happened", Map.of());
        events.error(FakeSession.of("alice"), ErrorCode.FORBIDDEN, "no");
        assertThat(sink.events).isEmpty();
    }

    @Test
    void anErrorNamesTheSessionUserCodeAndMessage() {
        FakeSession alice = FakeSession.of("alice");
        events.error(alice, ErrorCode.FORBIDDEN, "no");
        assertThat(sink.subjects()).containsExactly("$sys.error");
        assertThat(sink.events.get(0).body()).contains("\"sessionId\":\"" + alice.id() + "\"", "\"user\":\"alice\"",
                "\"code\":" + ErrorCode.FORBIDDEN.code(), "\"name\":\"FORBIDDEN\"", "\"message\":\"no\"");
    }

    @Test
    void aSessionIsDescribedByIdUserTransportAndRemoteAddress() {
        FakeSession alice = FakeSession.of("alice");
        assertThat(SysEvents.sessionFields(alice)).containsExactly(Map.entry("sessionId", alice.id().toString()),
                Map.entry("user", "alice"), Map.entry("transport", "tcp"), Map.entry("remote", "127.0.0.1:40000"));
    }
}
