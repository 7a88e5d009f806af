package io.aldis.feature.filetransfer.internal.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "/abs", "a//b", "a/", "./a", "a/./b", "../a", "a/..", "a\\b", "a\u0000b", "a\nb",
            "a\u007fb", "CON", "con.txt", "dir/Nul", "COM7.log", "lpt1", "aux.tar.gz"})
    void refused(String name) {
        assertThatThrownBy(() -> FileNames.check(name)).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "dir/file.txt", ".hidden", "a..b", "CONSOLE.txt", "COM10", "über/naïve.txt",
            "with space.pdf"})
    void accepted(String name) {
        assertThat(FileNames.check(name)).isEqualTo(name);
    }

    @Test
    void lengthsAreCountedInUtf8Bytes() {
        assertThat(FileNames.check("é".repeat(127))).hasSize(127); // 254 bytes
        assertThatThrownBy(() -> FileNames.check("é".repeat(128))).isInstanceOf(ProtocolException.class);
        String name = ("x".repeat(255) + "/").repeat(4) + "y".repeat(3); // 1027 bytes
        assertThatThrownBy(() -> FileNames.check(name)).hasMessageContaining("longer than 1024 bytes");
        assertThat(FileNames.check(name.substring(3))).isNotEmpty();
    }

    @Test
    void theMessageNamesTheRuleAndNeverPrintsAControlCharacter() {
        assertThatThrownBy(() -> FileNames.check("bad\u0001name")).hasMessageContaining("control character")
                .hasMessageContaining("\\u0001");
    }
}
