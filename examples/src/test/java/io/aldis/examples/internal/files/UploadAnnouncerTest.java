package io.aldis.examples.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.examples.internal.files.UploadAnnouncer.Announcement;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadAnnouncerTest {
    @Test
    void anUploadedEventBecomesALineWithItsFields() {
        Optional<Announcement> a = UploadAnnouncer.announcement(utf8(
                "{\"event\":\"file.uploaded\",\"time\":\"2026-12-05T10:00:00Z\",\"user\":\"alice\","
                        + "\"name\":\"reports/q3.pdf\",\"size\":12345}"));
        assertThat(a).contains(new Announcement("alice", "reports/q3.pdf", 12345));
        assertThat(a.orElseThrow().text()).isEqualTo("alice uploaded reports/q3.pdf (12345 bytes)");
        assertThat(new Announcement("bob", "one", 1).text()).isEqualTo("bob uploaded one (1 byte)");
    }

    @Test
    void aPayloadThatIsNotSuchAnEventIsIgnored() {
        for (String payload : new String[] {"", "not json", "[]", "{\"user\":\"alice\",\"name\":\"x\"}",
                "{\"user\":1,\"name\":\"x\",\"size\":1}", "{\"user\":\"alice\",\"name\":\"x\",\"size\":\"big\"}"}) {
            assertThat(UploadAnnouncer.announcement(utf8(payload))).as(payload).isEmpty();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
