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
        // The first tls. key set without a key store is named (the keys are taken in order).
        InvalidConfigurationException e = assertRejected(p, "tls.keyStorePassword", "is set while tls.keyStore is empty");
        assertThat(e.getMessage()).doesNotContain(PASSWORD);
    }

    @Test
    void anyTlsKeyWithoutAKeyStoreIsRefusedNamingIt() {
        for (String key : List.of("tls.trustStore", "tls.keyStoreType", "tls.protocols", "tls.trustStorePassword",
                "tls.clientAuth")) {
            Map<String, Object> p = new HashMap<>();
            p.put("secret", "a-long-enough-secret");
            p.put(key, key.endsWith("Password") ? PASSWORD : "TLSv1.3");
            InvalidConfigurationException e = assertRejected(p, key, "is set while tls.keyStore is empty");
            assertThat(e.getMessage()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aMisspeltPasswordKeyIsRefusedWithoutItsValue() {
        Map<String, Object> p = new HashMap<>();
        p.put("secret", "a-long-enough-secret");
        p.put("tls.trustStorePasword", PASSWORD);
        InvalidConfigurationException e = assertRejected(p, "tls.trustStorePasword", "is set while tls.keyStore is empty");
        assertThat(e.getMessage()).doesNotContain(PASSWORD);
    }

    @Test
    void aMisspeltKeyStoreIsRefusedRatherThanLinksWithoutTls() {
        Map<String, Object> p = withTls();
        p.put("tls.keystore", p.remove("tls.keyStore"));
        p.remove("tls.keyStorePassword");
        p.remove("tls.trustStore");
        p.remove("tls.trustStorePassword");
        assertRejected(p, "tls.keystore", "set tls.keyStore (spelt so), or remove tls.keystore");
    }

    @Test
    void tlsWithHazelcastAsTheDataPathIsRefusedBySettingsMadeInCode() {
        assertThatThrownBy(() -> new ClusterSettings("c", "a-long-enough-secret", List.of(), "127.0.0.1", 7450, "a", 10,
                "", 0, ClusterSettings.HAZELCAST, TestStores.settingsOf(keyStore, trustStore)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataPath = hazelcast");
    }

    @Test
    void aStoreReplacedUnderTheSameNameIsAChangeOfSettings() throws IOException {
        Path own = Files.createDirectories(dir.resolve("replaced"));
        TestStores first = TestStores.create(own, "first");
        Map<String, Object> p = withTls();
        p.put("tls.keyStore", first.keyStore().toString());
        ClusterSettings before = read(p);
        assertThat(read(p)).as("the same files read again").isEqualTo(before);

        TestStores second = TestStores.create(own, "second");
        Files.copy(second.keyStore(), first.keyStore(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ClusterSettings after = read(p);
        assertThat(after.linkTls()).isEqualTo(before.linkTls());
        assertThat(after).as("the same values, a new key store").isNotEqualTo(before);
    }

    @Test
    void theMemberRunsWithTheContextsBuiltWhenTheFileWasRead() throws IOException {
        Path own = Files.createDirectories(dir.resolve("read-once"));
        TestStores stores = TestStores.create(own, "once");
        Map<String, Object> p = withTls();
        p.put("tls.keyStore", stores.keyStore().toString());
        p.put("tls.trustStore", stores.trustStore().toString());
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        p.put("port", Integer.toString(port));
        ClusterSettings s = read(p);
        // Gone between the check and the start: the member still joins, with what was checked.
        Files.delete(stores.keyStore());
        Files.delete(stores.trustStore());
        try (ClusterEngine engine = ClusterEngine.start(s, () -> null)) {
            assertThat(engine.members()).hasSize(1);
        }
    }

    @Test
    void passwordsShowInNoDescription() {
        ClusterSettings s = read(withTls());
        assertThat(s.toString()).doesNotContain(PASSWORD);
        assertThat(s.linkTls().toString()).doesNotContain(PASSWORD).contains(keyStore.toString());
        assertThat(s.linkContexts().toString()).doesNotContain(PASSWORD).doesNotContain(s.linkContexts().tls().storesDigest());
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
