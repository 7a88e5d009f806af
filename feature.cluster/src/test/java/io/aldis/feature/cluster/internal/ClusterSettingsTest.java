package io.aldis.feature.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    private static ClusterSettings read(Map<String, Object> props) {
        return ClusterSettings.from(new ConfigValues(props, "io.aldis.cluster"));
    }

    private static Map<String, Object> withSecret() {
        Map<String, Object> p = new HashMap<>();
        p.put("secret", "a-long-enough-secret");
        return p;
    }

    @Test
    void defaultsNeedOnlyASecret() {
        ClusterSettings s = read(withSecret());
        assertThat(s.name()).isEqualTo("aldis");
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(7450);
        assertThat(s.members()).isEmpty();
        assertThat(s.nodeName()).isEqualTo("127.0.0.1:7450");
        assertThat(s.publicAddress()).isEqualTo("127.0.0.1:7450");
        assertThat(s.toString()).doesNotContain("a-long-enough-secret");
        assertThat(s.linkPort()).isZero();
        assertThat(s.dataPath()).isEqualTo("links");
        assertThat(s.links()).isTrue();
    }

    @Test
    void theLinkPortAndTheDataPathAreReadAndChecked() {
        Map<String, Object> p = withSecret();
        p.put("linkPort", "7460");
        p.put("dataPath", "hazelcast");
        assertThat(read(p).linkPort()).isEqualTo(7460);
        assertThat(read(p).links()).isFalse();
        p.put("dataPath", "carrier-pigeon");
        assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("dataPath").hasMessageContaining("links (the default) or hazelcast");
        p.put("dataPath", "links");
        p.put("linkPort", "70000");
        assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("linkPort");
    }

    @Test
    void membersAreReadFromACommaSeparatedList() {
        Map<String, Object> p = withSecret();
        p.put("members", "127.0.0.1:7451, 127.0.0.1:7452");
        p.put("nodeName", "n1");
        assertThat(read(p).members()).containsExactly("127.0.0.1:7451", "127.0.0.1:7452");
        assertThat(read(p).nodeName()).isEqualTo("n1");
    }

    @Test
    void aPublicAddressIsReadAndCheckedAsHostAndPort() {
        Map<String, Object> p = withSecret();
        p.put("host", "10.0.0.5");
        p.put("publicAddress", "203.0.113.7:17450");
        assertThat(read(p).publicAddress()).isEqualTo("203.0.113.7:17450");
        p.put("publicAddress", "203.0.113.7");
        assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("publicAddress").hasMessageContaining("host:port");
    }

    @Test
    void aPublicAddressWithoutAPortIsRefusedWhenGivenInCodeToo() {
        assertThatThrownBy(() -> new ClusterSettings("c", "a-secret-of-sixteen-or-more", List.of(), "127.0.0.1", 7450,
                "a", 10, "203.0.113.7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
    }

    @Test
    void badValuesAreRefusedInOneLineThatNeverShowsTheSecret() {
        assertThatThrownBy(() -> read(new HashMap<>())).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("secret").hasMessageContaining("is required");
        Map<String, Object> shortSecret = new HashMap<>(Map.of("secret", "tiny-secret"));
        assertThatThrownBy(() -> read(shortSecret)).hasMessageContaining("at least 16")
                .hasMessageNotContaining("tiny-secret");
        Map<String, Object> badMember = withSecret();
        badMember.put("members", List.of("127.0.0.1"));
        assertThatThrownBy(() -> read(badMember)).hasMessageContaining("host:port");
        Map<String, Object> badHost = withSecret();
        badHost.put("host", "localhost");
        assertThatThrownBy(() -> read(badHost)).hasMessageContaining("IPv4");
        for (Throwable t : List.of(catchAll(() -> read(badMember)), catchAll(() -> read(badHost)))) {
            assertThat(t.getMessage()).doesNotContain("\n");
        }
    }

    @Test
    void theSecretChangesTheNameHazelcastChecks() {
        String one = ClusterSecret.hazelcastClusterName("aldis", "a-long-enough-secret");
        assertThat(one).startsWith("aldis-").doesNotContain("a-long-enough-secret");
        assertThat(ClusterSecret.hazelcastClusterName("aldis", "a-long-enough-secret")).isEqualTo(one);
        assertThat(ClusterSecret.hazelcastClusterName("aldis", "another-long-secret")).isNotEqualTo(one);
    }

    private static Throwable catchAll(Runnable r) {
        try {
            r.run();
            return new AssertionError("no exception");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
