package io.aldis.feature.pubsub.internal.events;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SysEvents.Sink} that records what it is given, with a switch for whether anyone listens. */
final class RecordingSink implements SysEvents.Sink {
    record Event(String subject, String body) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile boolean listening = true;

    @Override
    public boolean hasSubscribers(String subject) {
        return listening;
    }

    @Override
    public void publish(String subject, byte[] body) {
        events.add(new Event(subject, new String(body, StandardCharsets.UTF_8)));
    }

    List<String> subjects() {
        return events.stream().map(Event::subject).toList();
    }
}
