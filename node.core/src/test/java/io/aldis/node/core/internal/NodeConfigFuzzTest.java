package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Fuzzes the reading of the node's configuration ({@link NodeSettings#from}) with the text of an
 * {@code etc/io.aldis.node.cfg} file. The contract: settings that keep the documented bounds and the
 * rules between keys (water marks, pending bytes, throttling delays, a chunk that leaves a frame
 * header room) and whose name every CONNECT_ACK can carry (well-formed UTF-8 of at most 255 bytes,
 * as the addresses a node announces: well within a {@code str} and a handshake frame); or one
 * {@link InvalidConfigurationException} that names the file and a key in one printable line without
 * a library's words. Nothing else escapes.
 */
class NodeConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.node.cfg";

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
        NodeSettings s;
        try {
            s = NodeSettings.from(new ConfigValues(map, "io.aldis.node"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(NodeSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.heartbeatIntervalMillis()).isGreaterThanOrEqualTo(100);
        assertThat(s.authTimeoutMillis()).isPositive();
        assertThat(s.closeTimeoutMillis()).isNotNegative();
        assertThat(s.maxFrameSize()).isGreaterThanOrEqualTo(64);
        assertThat(s.maxFileSize()).isNotNegative();
        assertThat(s.maxChunkSize()).isPositive().isLessThanOrEqualTo(s.maxFrameSize() - 30);
        assertThat(s.pauseLowWater()).isNotNegative().isLessThan(s.pauseHighWater());
        assertThat(s.resumeTokenTtlSeconds()).isPositive();
        assertThat(s.authFailureDelayMillis()).isNotNegative().isLessThanOrEqualTo(s.authFailureMaxDelayMillis());
        assertThat(s.workerThreads()).isNotNegative();
        assertThat(s.maxResumeTokensPerUser()).isPositive();
        assertThat(s.pendingHighWaterBytes()).isPositive().isLessThan(s.maxPendingBytes());
        assertThat(s.writeDeadlineMillis()).isPositive();
        assertThat(utf8Bytes(s.name())).as("UTF-8 bytes of the name CONNECT_ACK carries")
                .isBetween(1, NodeSettings.MAX_NAME_BYTES);
    }

    /** The name's length in well-formed UTF-8, or -1 when it has none (a lone surrogate). */
    private static int utf8Bytes(String name) {
        try {
            return StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(name)).remaining();
        } catch (CharacterCodingException e) {
            return -1;
        }
    }
}
