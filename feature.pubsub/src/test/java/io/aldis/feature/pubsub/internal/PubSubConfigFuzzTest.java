package io.aldis.feature.pubsub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
 * Fuzzes the reading of the pub/sub configuration ({@link PubSubSettings#from}), the richest of the
 * node's configurations (rates with fractions, per-prefix limits, policy lists, a rule between two
 * keys), with the text of an {@code etc/io.aldis.pubsub.cfg} file. The contract: valid settings
 * come back, or one {@link InvalidConfigurationException} names the file and a key in one line;
 * no other exception escapes, which would leave an operator with a stack trace instead of a reason.
 */
class PubSubConfigFuzzTest {
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
        map.put(ConfigValues.FILE_PROPERTY, "etc/io.aldis.pubsub.cfg");
        try {
            PubSubSettings settings = PubSubSettings.from(new ConfigValues(map, "io.aldis.pubsub"));
            assertThat(settings.maxBudgetBytes()).isGreaterThanOrEqualTo(settings.defaultBudgetBytes());
            assertThat(settings.allowedPolicies()).isNotEmpty();
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith("etc/io.aldis.pubsub.cfg: ").doesNotContain("\n")
                    .doesNotContain("Exception");
            assertThat(PubSubSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().contains(key));
        }
    }
}
