package io.aldis.feature.filetransfer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Fuzzes the reading of the file-transfer configuration ({@link FilesSettings#from}) with the text
 * of an {@code etc/io.aldis.files.cfg} file. The contract: settings within the documented bounds (a
 * window of 1 to 65 535 chunks, 1 to 256 workers, a finite LIST rate of at least 0, no negative
 * quota) whose storage root, when set, is a path the feature can open ({@code FilesComponent} hands
 * it to {@link Path#of}); or one {@link InvalidConfigurationException} that names the file and a key
 * in one printable line without a library's words. Nothing else escapes.
 */
class FilesConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.files.cfg";

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
        FilesSettings s;
        try {
            s = FilesSettings.from(new ConfigValues(map, "io.aldis.files"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(FilesSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.maxFileSize()).isNotNegative();
        assertThat(s.chunkSize()).isPositive();
        assertThat(s.maxChunkSize()).isPositive();
        assertThat(s.window()).isBetween(1, 65_535);
        assertThat(s.userQuota()).isNotNegative();
        assertThat(s.globalQuota()).isNotNegative();
        assertThat(s.checkpointRetentionSeconds()).isPositive();
        assertThat(s.workerThreads()).isBetween(1, 256);
        assertThat(s.maxTransfersPerSession()).isPositive();
        // -0 is a rate of 0 (no limit) as the throttle reads it; AssertJ would order it below 0.
        assertThat(s.listRate() >= 0 && Double.isFinite(s.listRate())).as("list rate %s", s.listRate()).isTrue();
        assertThat(s.listBurst()).isNotNegative();
        if (!s.storageRoot().isEmpty()) {
            Path.of(s.storageRoot()); // throws InvalidPathException for a root the feature cannot open
        }
    }
}
