package io.aldis.feature.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The links' TLS settings of PID {@code io.aldis.cluster}: read with the TCP transport's keys, and
 * every store they name read at once, so that a store that cannot be used rejects the file in one
 * line naming the key, never echoing a password.
 */
class LinkTlsSettingsTest {
    private static final String PASSWORD = TestStores.PASSWORD;

    @TempDir
    static Path dir;
    private static Path keyStore;
    private static Path trustStore;

    @BeforeAll
    static void makeStores() throws IOException {
        TestStores stores = TestStores.create(dir, "member");
        keyStore = stores.keyStore();
        trustStore = stores.trustStore();
    }

    private static ClusterSettings read(Map<String, Object> props) {
        return ClusterSettings.from(new ConfigValues(props, "io.aldis.cluster"));
    }

    private static Map<String, Object> withTls() {
        Map<String, Object> p = new HashMap<>();
        p.put("secret", "a-long-enough-secret");
        p.put("tls.keyStore", keyStore.toString());
        p.put("tls.keyStorePassword", PASSWORD);
        p.put("tls.trustStore", trustStore.toString());
        p.put("tls.trustStorePassword", PASSWORD);
        return p;
    }

    @Test
    void withoutAKeyStoreLinksHaveNoTls() {
        Map<String, Object> p = new HashMap<>();
        p.put("secret", "a-long-enough-secret");
        ClusterSettings s = read(p);
        assertThat(s.tls()).isFalse();
        assertThat(s.toString()).contains("linkTls=off");
    }

    @Test
    void usableStoresTurnTlsOnAndAChangeOfThemIsAChangeOfSettings() {
        ClusterSettings s = read(withTls());
        assertThat(s.tls()).isTrue();
        assertThat(s.linkTls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.toString()).contains("linkTls=on").doesNotContain(PASSWORD);
        // The component makes the member leave and join again when the settings differ, as for linkPort.
        Map<String, Object> p = withTls();
        p.put("tls.protocols", "TLSv1.3");
        assertThat(read(p)).isNotEqualTo(s);
        assertThat(read(withTls())).isEqualTo(s);
    }

    @Test
    void aKeyStoreNeedsATrustStoreAndTheOtherWayRound() {
        Map<String, Object> p = withTls();
        p.remove("tls.trustStore");
        assertRejected(p, "tls.trustStore", "is required with tls.keyStore");
        p = withTls();
        p.remove("tls.keyStore");
        assertRejected(p, "tls.keyStore", "is required with tls.trustStore");
    }

    @Test
    void anUnreadableKeyStoreIsNamed() {
        Map<String, Object> p = withTls();
        p.put("tls.keyStore", dir.resolve("missing.p12").toString());
        assertRejected(p, "tls.keyStore", "missing.p12: no such file");
    }

    @Test
    void aWrongPasswordIsNamedAndNeverShown() {
        Map<String, Object> p = withTls();
        p.put("tls.keyStorePassword", "not-the-password");
        InvalidConfigurationException e = assertRejected(p, "tls.keyStorePassword", "the password does not open");
        assertThat(e.getMessage()).doesNotContain("not-the-password");
        p = withTls();
        p.put("tls.trustStorePassword", "not-the-password");
        e = assertRejected(p, "tls.trustStorePassword", "the password does not open");
        assertThat(e.getMessage()).doesNotContain("not-the-password");
    }

    @Test
    void aFileThatIsNoStoreIsNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a key store");
        Map<String, Object> p = withTls();
        p.put("tls.trustStore", text.toString());
        assertRejected(p, "tls.trustStore", "cannot read " + text);
    }

    @Test
    void aTrustStoreWithoutAKeyIsNoKeyStore() {
        Map<String, Object> p = withTls();
        p.put("tls.keyStore", trustStore.toString());
        assertRejected(p, "tls.keyStore", "holds no private key");
    }

    @Test
    void badTypeAndProtocolsAreRefused() {
        Map<String, Object> p = withTls();
        p.put("tls.keyStoreType", "PEM");
        assertRejected(p, "tls.keyStoreType", "PEM");
        p = withTls();
        p.put("tls.protocols", "SSLv3");
        assertRejected(p, "tls.protocols", "must be TLSv1.3, TLSv1.2 or both");
    }

    @Test
    void tlsWithHazelcastAsTheDataPathIsRefused() {
        Map<String, Object> p = withTls();
        p.put("dataPath", "hazelcast");
        assertRejected(p, "dataPath", "Hazelcast, which has no TLS");
    }

    private static InvalidConfigurationException assertRejected(Map<String, Object> p, String key, String why) {
        InvalidConfigurationException e = (InvalidConfigurationException) catchRejection(p);
        assertThat(e.getMessage()).startsWith("io.aldis.cluster: " + key + " = ").contains(why).doesNotContain("\n");
        return e;
    }

    private static Throwable catchRejection(Map<String, Object> p) {
        assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidConfigurationException.class);
        try {
            read(p);
            throw new AssertionError("accepted");
        } catch (InvalidConfigurationException e) {
            return e;
        }
    }
}
