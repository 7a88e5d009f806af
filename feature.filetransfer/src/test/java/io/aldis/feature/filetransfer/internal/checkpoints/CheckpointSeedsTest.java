package io.aldis.feature.filetransfer.internal.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Keeps the seed inputs of {@link CheckpointFuzzTest} equal to checkpoints the codec writes today,
 * one per direction and compression. Run with {@code -Daldis.seeds.write=true} to write them after
 * the layout changes; without it the test fails when one is missing or differs.
 */
class CheckpointSeedsTest {
    private static final Path INPUTS =
            Path.of("src/test/resources/io/aldis/feature/filetransfer/internal/checkpoints/CheckpointFuzzTestInputs");

    private static byte[] hash(int seed) {
        byte[] hash = new byte[32];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) (seed + i);
        }
        return hash;
    }

    private static final Map<String, Checkpoint> SEEDS = Map.of(
            "upload-adaptive", new Checkpoint(TransferDirection.UPLOAD, new UUID(1, 2), "ann", "docs/é.pdf",
                    123_456_789L, 4096, Compression.ADAPTIVE, hash(7), 1_700_000_000_000L,
                    List.of(new ChunkRange(0, 9), new ChunkRange(12, 12))),
            "download-lz4-nothing-held", new Checkpoint(TransferDirection.DOWNLOAD, new UUID(3, 4), "bob", "a",
                    0, 262_144, Compression.LZ4, hash(1), 1L, List.of()),
            "upload-none-long-name", new Checkpoint(TransferDirection.UPLOAD, new UUID(-1, -1), "",
                    "x/".repeat(100) + "end", Long.MAX_VALUE, 1, Compression.NONE, hash(0), Long.MAX_VALUE,
                    List.of(new ChunkRange(0, 0), new ChunkRange(2, 3), new ChunkRange(5, 16_777_215))));

    @Test
    void everySeedIsACheckpointTheCodecWrites() throws IOException {
        boolean write = Boolean.getBoolean("aldis.seeds.write");
        for (Map.Entry<String, Checkpoint> seed : SEEDS.entrySet()) {
            Path file = INPUTS.resolve(seed.getKey());
            byte[] bytes = CheckpointCodec.encode(seed.getValue());
            if (write) {
                Files.createDirectories(INPUTS);
                Files.write(file, bytes);
            }
            assertThat(file).as("seed %s (write it with -Daldis.seeds.write=true)", seed.getKey()).exists();
            assertThat(Files.readAllBytes(file)).as("seed %s", seed.getKey()).isEqualTo(bytes);
        }
    }
}
