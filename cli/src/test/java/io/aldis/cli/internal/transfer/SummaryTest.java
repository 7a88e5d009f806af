package io.aldis.cli.internal.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.TransferResult;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SummaryTest {
    private static final byte[] HASH = new byte[32];

    @Test
    void anUploadSaysSizeTimeRateAndWhetherItResumed() {
        TransferResult result = new TransferResult("iso/big.iso", Path.of("big.iso"), 1L << 30, HASH, 0, true);
        assertThat(Summary.of(Direction.UPLOAD, result, 1L << 30, Duration.ofMillis(2000)))
                .isEqualTo("uploaded big.iso to iso/big.iso: 1.0 GiB in 2.0 s, 536.9 MB/s, resumed, sha256 "
                        + "0".repeat(64));
    }

    @Test
    void aDownloadGoesFromTheRemoteNameToTheLocalFile() {
        TransferResult result = new TransferResult("a.txt", Path.of("out/a.txt"), 12, HASH, 0, false);
        assertThat(Summary.of(Direction.DOWNLOAD, result, 12, Duration.ofSeconds(75)))
                .startsWith("downloaded a.txt to out/a.txt: 12 B in 1 min 15 s, 0.0 MB/s, not resumed");
    }

    @Test
    void aRunThatWentOnFromACheckpointGivesThePartItMovedAndTheRateOverThatPart() {
        TransferResult result = new TransferResult("big.iso", Path.of("big.iso"), 1L << 30, HASH, 0, true);
        assertThat(Summary.of(Direction.UPLOAD, result, 1L << 29, Duration.ofMillis(2000)))
                .isEqualTo("uploaded big.iso to big.iso: 1.0 GiB, 512.0 MiB of it in 2.0 s, 268.4 MB/s, resumed, sha256 "
                        + "0".repeat(64));
    }

    @Test
    void chunksMovedAgainDoNotMakeTheFileLookLarger() {
        TransferResult result = new TransferResult("a.bin", Path.of("a.bin"), 1000, HASH, 2, true);
        assertThat(Summary.of(Direction.DOWNLOAD, result, 1500, Duration.ofSeconds(1)))
                .startsWith("downloaded a.bin to a.bin: 1000 B in 1.0 s, 0.0 MB/s, resumed");
    }
}
