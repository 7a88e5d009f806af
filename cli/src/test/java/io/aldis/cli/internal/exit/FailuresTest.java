package io.aldis.cli.internal.exit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisException;
import io.aldis.client.FileTransferException;
import io.aldis.protocol.api.ErrorCode;
import java.nio.file.NoSuchFileException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void eachKindOfFailureHasItsOwnExitCode() {
        assertThat(Failures.exitCodeOf(ErrorCode.AUTH_FAILED)).isEqualTo(ExitCode.AUTHENTICATION);
        assertThat(Failures.exitCodeOf(ErrorCode.CONNECTION_FAILED)).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(Failures.exitCodeOf(ErrorCode.RECONNECT_FAILED)).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(Failures.exitCodeOf(ErrorCode.FILE_NOT_FOUND_ON_SERVER)).isEqualTo(ExitCode.NOT_FOUND);
        for (ErrorCode refusal : EnumSet.of(ErrorCode.FORBIDDEN, ErrorCode.UPLOAD_REJECTED, ErrorCode.DOWNLOAD_REJECTED,
                ErrorCode.QUOTA_EXCEEDED, ErrorCode.STORAGE_FULL, ErrorCode.FILE_TOO_LARGE, ErrorCode.INVALID_FILE_NAME,
                ErrorCode.UPLOAD_CONFLICT)) {
            assertThat(Failures.exitCodeOf(refusal)).as(refusal.name()).isEqualTo(ExitCode.REFUSED);
        }
        assertThat(Failures.exitCodeOf(ErrorCode.FILE_HASH_MISMATCH)).isEqualTo(ExitCode.VERIFICATION);
        assertThat(Failures.exitCodeOf(ErrorCode.CHUNK_CHECKSUM_ERROR)).isEqualTo(ExitCode.VERIFICATION);
        assertThat(Failures.exitCodeOf(ErrorCode.INTERNAL_ERROR)).isEqualTo(ExitCode.OTHER);
    }

    @Test
    void theExitCodesAreDistinct() {
        Set<Integer> seen = new java.util.HashSet<>();
        for (ExitCode code : ExitCode.values()) {
            assertThat(seen.add(code.status())).as(code.name()).isTrue();
        }
        assertThat(ExitCode.OK.status()).isZero();
        assertThat(ExitCode.USAGE.status()).isEqualTo(2);
    }

    @Test
    void theFailureIsFoundInsideTheWrappersOfFutures() {
        AldisException refused = new FileTransferException(ErrorCode.QUOTA_EXCEEDED, "the user's quota is used up");
        Throwable wrapped = new ExecutionException(new CompletionException(refused));
        assertThat(Failures.exitCodeOf(wrapped)).isEqualTo(ExitCode.REFUSED);
        assertThat(Failures.describe(wrapped)).isEqualTo("the user's quota is used up (QUOTA_EXCEEDED -747)");
    }

    @Test
    void aRefusalForSpaceSaysWhatWasAvailableAndAsked() {
        AldisException full = new FileTransferException(ErrorCode.STORAGE_FULL.code(), "not enough space",
                "{\"available\": 10, \"requested\": 50}", null);
        assertThat(Failures.describe(full))
                .isEqualTo("not enough space (STORAGE_FULL -745); available 10 bytes, requested 50 bytes");
    }

    @Test
    void localFailuresAreInTheUsersWords() {
        assertThat(Failures.exitCodeOf(new NoSuchFileException("big.iso"))).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(Failures.describe(new NoSuchFileException("big.iso"))).isEqualTo("no such file: big.iso");
        assertThat(Failures.exitCodeOf(new CliFailure(ExitCode.USAGE, "no user"))).isEqualTo(ExitCode.USAGE);
        assertThat(Failures.exitCodeOf(new IllegalStateException("boom"))).isEqualTo(ExitCode.OTHER);
    }

    @Test
    void aCodeThisReleaseDoesNotKnowIsOther() {
        assertThat(Failures.exitCodeOf(new AldisException(-999, "from the future", null))).isEqualTo(ExitCode.OTHER);
    }
}
