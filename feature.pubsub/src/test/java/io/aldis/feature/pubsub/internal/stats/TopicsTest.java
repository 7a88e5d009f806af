package io.aldis.feature.pubsub.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void messagesAndBytesAreCountedPerSubject() {
        Topics topics = new Topics();
        topics.count("a", 10);
        topics.count("a", 5);
        topics.count("b", 1);
        TopicStats a = topics.topic("a");
        assertThat(a.messages()).isEqualTo(2);
        assertThat(a.bytes()).isEqualTo(15);
        assertThat(topics.size()).isEqualTo(2);
    }

    @Test
    void pastTheLimitNewSubjectsAreNotTracked() {
        Topics topics = new Topics(2, 300);
        topics.count("a", 1);
        topics.count("b", 1);
        topics.count("c", 1);
        assertThat(topics.topic("c")).isNull();
        assertThat(topics.all()).extracting(TopicStats::subject).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aSubjectIdleForLongerThanTheIdleTimeIsForgottenAndRetired() {
        Topics topics = new Topics(10, 2);
        topics.count("quiet", 1);
        topics.count("busy", 1);
        TopicStats quiet = topics.topic("quiet");
        for (int tick = 0; tick < 20; tick++) { // the smoothed rate takes ten ticks to reach 0
            topics.count("busy", 1);
            topics.tick();
        }
        assertThat(quiet.retired()).isTrue();
        assertThat(topics.all()).extracting(TopicStats::subject).containsExactly("busy");
        assertThat(topics.topic("busy").rate()).isPositive();
    }
}
