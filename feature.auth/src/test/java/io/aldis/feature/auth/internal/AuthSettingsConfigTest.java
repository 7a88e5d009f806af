package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential store's and the PLAIN mechanism's configurations as an operator writes them in
 * etc/io.aldis.auth.cfg and etc/io.aldis.auth.plain.cfg: every bad value is refused in one line
 * that names the file, the key and the value, and a rejected change leaves the settings in force.
 */
class AuthSettingsConfigTest {
    private static final Pattern SHIPPED_SETTING = Pattern.compile("#([A-Za-z][\\w.]*) = ?(.*)");

    @TempDir
    Path dir;

    private static Map<String, Object> file(String pid, String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, "file:/opt/aldis/etc/" + pid + ".cfg");
        properties.put("service.pid", pid);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static CredentialStoreSettings store(String... keysAndValues) {
        return CredentialStoreSettings.from(new ConfigValues(file(CredentialStore.PID, keysAndValues),
                CredentialStore.PID));
    }

    @Test
    void storeValuesAreReadAndMissingKeysTakeTheirDefaults() {
        CredentialStoreSettings s = store("credentials.file", " /srv/users.properties ", "scram.iterations", "10000",
                "create.admin", "false", "password.minLength", "16");
        assertThat(s).isEqualTo(new CredentialStoreSettings("/srv/users.properties", 10_000, false, 16));
        assertThat(store()).isEqualTo(CredentialStoreSettings.defaults());
        assertThat(CredentialStoreSettings.defaults())
                .isEqualTo(new CredentialStoreSettings("${karaf.etc}/aldis-users.properties", 4096, true, 10));
    }

    @Test
    void badStoreValuesAreRefusedInOneLineNamingFileKeyAndValue() {
        assertThatThrownBy(() -> store("scram.iterations", "1000"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.auth.cfg: scram.iterations = 1000: must be at least 4096");
        assertThatThrownBy(() -> store("scram.iterations", "many"))
                .hasMessage("etc/io.aldis.auth.cfg: scram.iterations = many: not a whole number (at least 4096)");
        assertThatThrownBy(() -> store("password.minLength", "0"))
                .hasMessage("etc/io.aldis.auth.cfg: password.minLength = 0: must be at least 1");
        assertThatThrownBy(() -> store("create.admin", "yes"))
                .hasMessage("etc/io.aldis.auth.cfg: create.admin = yes: must be true or false");
        assertThatThrownBy(() -> CredentialStoreSettings.from(
                new ConfigValues(Map.of("password.minLength", -3), CredentialStore.PID)))
                .hasMessage("io.aldis.auth: password.minLength = -3: must be at least 1");
    }

    @Test
    void aRejectedChangeOfTheStoreLeavesTheSettingsInForce() {
        String users = dir.resolve("users.properties").toString();
        CredentialStore store = new CredentialStore(file(CredentialStore.PID, "credentials.file", users,
                "create.admin", "false", "password.minLength", "12", "scram.iterations", "5000"));
        assertThat(store.minPasswordLength()).isEqualTo(12);
        assertThat(store.iterations()).isEqualTo(5000);

        store.modified(file(CredentialStore.PID, "credentials.file", users, "create.admin", "false",
                "password.minLength", "20", "scram.iterations", "100"));
        assertThat(store.minPasswordLength()).isEqualTo(12);
        assertThat(store.iterations()).isEqualTo(5000);

        store.modified(file(CredentialStore.PID, "credentials.file", users, "create.admin", "false",
                "password.minLength", "20"));
        assertThat(store.minPasswordLength()).isEqualTo(20);
        assertThat(store.iterations()).isEqualTo(4096);
    }

    @Test
    void aMisspeltStoreKeyIsFoundAmongTheFrameworksOwn() {
        Map<String, Object> misspelt = file(CredentialStore.PID, "password.minLenght", "12", "component.name", "x");
        assertThat(new ConfigValues(misspelt, CredentialStore.PID).unknownKeys(CredentialStoreSettings.KEYS))
                .containsExactly("password.minLenght");
    }

    @Test
    void thePlainRealmIsTrimmedABlankOneIsTheDefaultAndAMisspeltKeyIsFound() {
        assertThat(PlainJaasMechanism.read(file(PlainJaasMechanism.PID, "realm", " ldap "))).isEqualTo("ldap");
        assertThat(PlainJaasMechanism.read(file(PlainJaasMechanism.PID, "realm", " "))).isEqualTo("karaf");
        assertThat(PlainJaasMechanism.read(file(PlainJaasMechanism.PID))).isEqualTo("karaf");
        Map<String, Object> misspelt = file(PlainJaasMechanism.PID, "relm", "ldap");
        assertThat(new ConfigValues(misspelt, PlainJaasMechanism.PID).unknownKeys(PlainJaasMechanism.KEYS))
                .containsExactly("relm");
        PlainJaasMechanism plain = new PlainJaasMechanism(file(PlainJaasMechanism.PID, "realm", "ldap"));
        try {
            assertThat(plain.realm()).isEqualTo("ldap");
            plain.modified(file(PlainJaasMechanism.PID));
            assertThat(plain.realm()).isEqualTo("karaf");
        } finally {
            plain.close();
        }
    }

    @Test
    void theShippedFileShowsEveryKeyWithItsDefault() throws IOException {
        Map<String, Object> shipped = shippedFileUncommented("io.aldis.auth.cfg");
        assertThat(shipped.keySet()).isEqualTo(CredentialStoreSettings.KEYS);
        assertThat(CredentialStoreSettings.from(new ConfigValues(shipped, CredentialStore.PID))).isEqualTo(CredentialStoreSettings.defaults());
    }

    @Test
    void theShippedPlainAndAclFilesShowTheDefaults() throws IOException {
        Map<String, Object> plain = shippedFileUncommented("io.aldis.auth.plain.cfg");
        assertThat(plain.keySet()).isEqualTo(PlainJaasMechanism.KEYS);
        assertThat(PlainJaasMechanism.read(plain)).isEqualTo(PlainJaasMechanism.DEFAULT_REALM);

        Map<String, Object> acl = shippedFileUncommented("io.aldis.auth.acl.cfg");
        Map<String, Object> expected = new HashMap<>(AclAuthorizer.DEFAULT_RULES);
        expected.put("cache.size", "1024");
        assertThat(acl).isEqualTo(expected);
    }

    /** The keys and values of a shipped etc file with each commented-out {@code #key = value} line taken in. */
    private static Map<String, Object> shippedFileUncommented(String name) throws IOException {
        Path shipped = Path.of("..", "distribution", "src", "main", "resources", "assembly", "etc", name);
        Map<String, Object> properties = new HashMap<>();
        for (String line : Files.readAllLines(shipped)) {
            Matcher setting = SHIPPED_SETTING.matcher(line);
            if (setting.matches()) {
                properties.put(setting.group(1), setting.group(2));
            }
        }
        return properties;
    }
}
