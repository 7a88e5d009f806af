package io.aldis.feature.filetransfer.internal.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Fuzzes the reading of checkpoint files ({@link CheckpointCodec#decode}), which a node reads back
 * from its storage after a restart and which a damaged disk or another process may have changed.
 * Each input is read as it is and, so that the fuzzer gets past the checksum, once more sealed
 * with its correct CRC-32. The contract: a checkpoint comes back or
 * {@link CheckpointCodec.CorruptedException} says it cannot be trusted, with one of the codec's
 * own reasons; a checkpoint that comes back writes back to exactly the bytes it was read from, so
 * nothing in a file is silently changed on the way (a name, a user, a direction).
 */
class CheckpointFuzzTest {
    private static final List<String> REASONS = List.of("the checkpoint is truncated",
            "the checkpoint fails its checksum", "not a checkpoint", "not a checkpoint of a known version",
            "the checkpoint's chunk ranges do not fit it", "the checkpoint has bytes after its end",
            "the checkpoint does not follow its layout", "the checkpoint's text does not fit it",
            "the checkpoint names an unknown direction or compression", "the checkpoint's text is not UTF-8");

    @FuzzTest
    void readsBackExactlyOrIsCorrupted(byte[] file) {
        readsBackExactly(file);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(file);
        readsBackExactly(SealedRecord.seal(record));
    }

    private static void readsBackExactly(byte[] file) {
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointCodec.decode(file);
        } catch (CheckpointCodec.CorruptedException e) {
            assertThat(REASONS).contains(e.getMessage());
            return;
        }
        assertThat(CheckpointCodec.encode(checkpoint)).as("%s written again", checkpoint).isEqualTo(file);
    }
}
