package io.aldis.feature.rpc.internal;

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
 * Fuzzes the reading of the RPC configuration ({@link RpcSettings#from}) with the text of an
 * {@code etc/io.aldis.feature.rpc.cfg} file. The contract: settings within the documented bounds
 * (at least one worker, queue slot and call; no negative spin or deadline; at most a second on the
 * I/O thread), or one {@link InvalidConfigurationException} that names the file and a key in one
 * printable line without a library's words. Nothing else escapes: the constructor's own checks
 * throw plain {@link IllegalArgumentException}s, which the reading must never reach.
 */
class RpcConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.feature.rpc.cfg";

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
        RpcSettings s;
        try {
            s = RpcSettings.from(new ConfigValues(map, "io.aldis.feature.rpc"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(RpcSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.workerThreads()).isPositive();
        assertThat(s.workerSpinMicros()).isNotNegative();
        assertThat(s.queueCapacity()).isPositive();
        assertThat(s.maxCallsPerSession()).isPositive();
        assertThat(s.maxConcurrentPerMethod()).isPositive();
        assertThat(s.defaultTimeoutMillis()).isNotNegative();
        assertThat(s.methodOnLoopMicros()).isBetween(0, 1_000_000);
        // Only the word "ignore" turns the check of unknown fields off.
        assertThat(s.rejectUnknownFields()).isEqualTo(!"ignore".equals(properties.getProperty("unknownFields", "").strip()));
    }
}
