package io.aldis.cli.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordSourceTest {
    private static final NodeAddress NODE = new NodeAddress("localhost", 7440);

    @Test
    void theEnvironmentVariableGivesThePassword() {
        PasswordSource source = new PasswordSource(Map.of("ALDIS_PASSWORD", "s3cret-enough"), () -> null);
        assertThat(source.passwordFor("alice", NODE)).containsExactly("s3cret-enough".toCharArray());
    }

    @Test
    void withoutTheVariableAndWithoutATerminalItIsAUsageErrorNamingTheVariable() {
        PasswordSource source = new PasswordSource(Map.of(), () -> null);
        assertThatThrownBy(() -> source.passwordFor("alice", NODE)).isInstanceOfSatisfying(CliFailure.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).contains("ALDIS_PASSWORD");
        });
    }
}
