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
 * nothing in a file is silently changed on the way (a name, a user, a direction). A checkpoint of
 * the layout's first version is read as the current version writes it (with no file it replaces
 * and no owner), so it writes back in the current version, and that reads back to the same bytes.
 */
class CheckpointFuzzTest {
    private static final List<String> REASONS = List.of("the checkpoint is truncated",
            "the checkpoint fails its checksum", "not a checkpoint", "not a checkpoint of a known version",
            "the checkpoint's chunk ranges do not fit it", "the checkpoint has bytes after its end",
            "the checkpoint does not follow its layout", "the checkpoint's text does not fit it",
            "the checkpoint names an unknown direction or compression", "the checkpoint's text is not UTF-8");

    /** Where a checkpoint names its layout's version (after the 4-byte magic), and the first version. */
    private static final int FIRST_VERSION_AT = 4;
    private static final byte FIRST_VERSION = 1;

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
        byte[] written = CheckpointCodec.encode(checkpoint);
        if (file[FIRST_VERSION_AT] == FIRST_VERSION) {
            assertThat(written[FIRST_VERSION_AT]).as("a first-version checkpoint written again").isNotEqualTo(FIRST_VERSION);
            try {
                assertThat(CheckpointCodec.encode(CheckpointCodec.decode(written))).as("%s upgraded, read and written",
                        checkpoint).isEqualTo(written);
            } catch (CheckpointCodec.CorruptedException e) {
                throw new AssertionError("an upgraded checkpoint does not read back: " + e.getMessage(), e);
            }
            return;
        }
        assertThat(written).as("%s written again", checkpoint).isEqualTo(file);
    }

}
