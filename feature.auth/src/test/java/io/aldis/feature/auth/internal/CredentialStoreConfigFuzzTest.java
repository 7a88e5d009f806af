package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.scram.ScramSha256;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Fuzzes the reading of the credential store's configuration ({@link CredentialStoreSettings#from})
 * with the text of an {@code etc/io.aldis.auth.cfg} file. The contract: settings with at least
 * 4 096 iterations and a shortest password of at least 1, whose users file the store can open
 * ({@link CredentialStore#resolve} makes a path of it, as the store does when it opens); or one
 * {@link InvalidConfigurationException} that names the file and a key in one printable line without
 * a library's words. Nothing else escapes.
 */
class CredentialStoreConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.auth.cfg";

    @FuzzTest
    void settingsOrOneLineNamingTheKey(byte[] file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(file, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException malformedEscape) {
            return; // not a configuration file Config Admin would read either
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> map = new HashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        map.put(ConfigValues.FILE_PROPERTY, "/opt/aldis/" + FILE);
        CredentialStoreSettings s;
        try {
            s = CredentialStoreSettings.from(new ConfigValues(map, CredentialStore.PID));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(CredentialStoreSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.iterations()).isGreaterThanOrEqualTo(ScramSha256.MIN_ITERATIONS);
        assertThat(s.minPasswordLength()).isPositive();
        assertThat(s.credentialsFile()).isNotBlank();
        // Throws InvalidPathException for a file the store cannot open, as the store itself would.
        CredentialStore.resolve(s.credentialsFile());
    }
}
